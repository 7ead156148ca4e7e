package io.kefu.push.sender;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kefu.push.template.TemplateText;

/**
 * The {@code data} of a WeChat template/subscribe message from a template's content: one field per
 * line, {@code key: value} (e.g. {@code thing1: {{title}}} / {@code time2: {{time}}}), values rendered.
 */
final class WechatData {

    private WechatData() {
    }

    static Map<String, String> fields(String content, Map<String, String> values) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : content.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon).strip(), TemplateText.render(line.substring(colon + 1).strip(), values));
            }
        }
        return fields;
    }
}
