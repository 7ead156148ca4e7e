package io.kefu.push.template;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The {@code {{variables}}} of a template: the ones its text declares, the check of a request's values
 * against them (a missing or an unknown variable is refused, never sent with a hole), and rendering.
 */
public final class TemplateText {

    public static final int MAX_VALUE_LENGTH = 1000;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.]{0,63})\\s*}}");

    private TemplateText() {
    }

    /** The variables {@code texts} declare, in order of first use. */
    public static Set<String> declared(@Nullable String... texts) {
        Set<String> names = new LinkedHashSet<>();
        for (String text : texts) {
            if (text != null) {
                Matcher m = PLACEHOLDER.matcher(text);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /** Null when {@code values} fit {@code declared} exactly; otherwise why not (missing, unknown, too long, NUL). */
    public static @Nullable String problem(Set<String> declared, Map<String, String> values) {
        Set<String> missing = new TreeSet<>(declared);
        missing.removeAll(values.keySet());
        if (!missing.isEmpty()) {
            return "missing variables " + missing;
        }
        Set<String> extra = new TreeSet<>(values.keySet());
        extra.removeAll(declared);
        if (!extra.isEmpty()) {
            return "variables not declared by the template " + extra;
        }
        for (Map.Entry<String, String> value : values.entrySet()) {
            if (value.getValue() == null) {
                return "variable " + value.getKey() + " is null";
            }
            if (value.getValue().length() > MAX_VALUE_LENGTH) {
                return "variable " + value.getKey() + " is longer than " + MAX_VALUE_LENGTH + " characters";
            }
            if (value.getValue().indexOf('\0') >= 0) {
                return "variable " + value.getKey() + " contains a NUL character";
            }
        }
        return null;
    }

    /** {@code text} with each placeholder replaced by its value, passed through {@code escape}. */
    public static String render(String text, Map<String, String> values, java.util.function.UnaryOperator<String> escape) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 64);
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(escape.apply(value == null ? "" : value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    public static String render(String text, Map<String, String> values) {
        return render(text, values, v -> v);
    }

    /** Minimal HTML escaping for values put into an HTML body. */
    public static String html(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
