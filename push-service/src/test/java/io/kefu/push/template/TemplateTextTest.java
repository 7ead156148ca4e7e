package io.kefu.push.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TemplateTextTest {

    @Test
    void declaredVariablesAreThePlaceholdersOfTitleAndContent() {
        assertThat(TemplateText.declared("订单 {{order_no}}", "{{ customer_name }}，您的订单{{order_no}}已发货 {{bad-name}}"))
                .containsExactly("order_no", "customer_name");
    }

    @Test
    void valuesMustFitExactly() {
        Set<String> declared = Set.of("a", "b");
        assertThat(TemplateText.problem(declared, Map.of("a", "1", "b", "2"))).isNull();
        assertThat(TemplateText.problem(declared, Map.of("a", "1"))).isEqualTo("missing variables [b]");
        assertThat(TemplateText.problem(declared, Map.of("a", "1", "b", "2", "c", "3"))).isEqualTo("variables not declared by the template [c]");
        assertThat(TemplateText.problem(declared, Map.of("a", "x".repeat(1001), "b", "2"))).contains("longer than");
        assertThat(TemplateText.problem(declared, Map.of("a", "\u0000", "b", "2"))).contains("NUL");
    }

    @Test
    void renderingReplacesAndEscapes() {
        assertThat(TemplateText.render("<p>{{name}} $1 \\</p>", Map.of("name", "<b>$x</b>"), TemplateText::html))
                .isEqualTo("<p>&lt;b&gt;$x&lt;/b&gt; $1 \\</p>");
    }
}
