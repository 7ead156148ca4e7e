package io.kefu.push.request;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Request variables as text: a JSON object of strings, numbers or booleans (anything else is refused). */
final class Variables {

    private Variables() {
    }

    /** The values, or null with {@code problem[0]} set. */
    static @Nullable Map<String, String> read(@Nullable JsonNode node, String[] problem) {
        Map<String, String> values = new LinkedHashMap<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return values;
        }
        if (!node.isObject()) {
            problem[0] = "variables must be a JSON object";
            return null;
        }
        if (node.size() > 100) {
            problem[0] = "at most 100 variables";
            return null;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (e.getKey().length() > 64 || e.getKey().indexOf('\0') >= 0) {
                problem[0] = "variable names are at most 64 characters";
                return null;
            }
            if (v.isString() || v.isNumber() || v.isBoolean()) {
                values.put(e.getKey(), v.asString());
            } else {
                problem[0] = "variable " + e.getKey() + " must be a string, number or boolean";
                return null;
            }
        }
        return values;
    }
}
