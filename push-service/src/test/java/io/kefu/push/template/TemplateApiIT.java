package io.kefu.push.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.kefu.push.PushItSupport;
import org.junit.jupiter.api.Test;

class TemplateApiIT extends PushItSupport {

    final UUID tenant = UUID.randomUUID();
    final String admin = admin(tenant);

    @Test
    void anAdminCreatesListsChangesAndDeletesTemplates() {
        Response created = call("POST", "/api/push/templates", Map.of("name", "shipped", "channel", "email", "title", "订单 {{order_no}}",
                "content", "<p>{{customer_name}}，您的订单{{order_no}}已发货</p>"), admin);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().path("kind").asString()).isEqualTo("email");
        assertThat(created.body().path("status").asString()).isEqualTo("active");
        assertThat(created.body().path("variables").toString()).isEqualTo("[\"order_no\",\"customer_name\"]");
        String id = created.body().path("id").asString();

        Response list = call("GET", "/api/push/templates?page=1&pageSize=10", null, admin);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("total").asLong()).isEqualTo(1);

        Map<String, Object> change = new HashMap<>(Map.of("name", "shipped", "channel", "email", "content", "{{who}} hello", "status", "inactive"));
        Response changed = call("PUT", "/api/push/templates/" + id, change, admin);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body().path("status").asString()).isEqualTo("inactive");
        assertThat(changed.body().path("variables").toString()).isEqualTo("[\"who\"]");

        assertThat(call("GET", "/api/push/templates/" + id, null, admin(UUID.randomUUID())).status()).as("another tenant's").isEqualTo(404);
        assertThat(call("DELETE", "/api/push/templates/" + id, null, admin).status()).isEqualTo(204);
        assertThat(call("GET", "/api/push/templates/" + id, null, admin).status()).isEqualTo(404);
    }

    @Test
    void badTemplatesAreRefusedWithTheirField() {
        assertThat(call("POST", "/api/push/templates", Map.of("name", "x", "channel", "fax", "content", "a"), admin).status()).isEqualTo(400);
        assertThat(call("POST", "/api/push/templates", Map.of("name", "x\u0000", "channel", "email", "content", "a"), admin).code())
                .isEqualTo("validation-failed");
        assertThat(call("POST", "/api/push/templates", Map.of("name", "x".repeat(101), "channel", "email", "content", "a"), admin).status())
                .isEqualTo(400);
        assertThat(call("POST", "/api/push/templates", Map.of("name", "x", "channel", "sms", "content", "a".repeat(501),
                "providerTemplateId", "SMS_1", "smsSign", "s"), admin).status()).as("oversized SMS").isEqualTo(400);
        assertThat(call("POST", "/api/push/templates", Map.of("name", "x", "channel", "sms", "content", "a"), admin).body().path("field")
                .asString()).as("SMS without code and sign").isEqualTo("providerTemplateId");
        assertThat(call("POST", "/api/push/templates", Map.of("name", "x", "channel", "wechat", "kind", "template", "content", "a"), admin)
                .status()).isEqualTo(400);
        assertThat(call("POST", "/api/push/templates", Map.of("name", "x", "channel", "email", "kind", "bot", "content", "a"), admin)
                .status()).isEqualTo(400);
        assertThat(call("POST", "/api/push/templates", Map.of("name", "x", "channel", "email", "content", "a", "status", "paused"), admin)
                .status()).isEqualTo(400);
        assertThat(call("POST", "/api/push/templates", "{not json", admin).status()).isEqualTo(400);
        assertThat(call("GET", "/api/push/templates?pageSize=0", null, admin).status()).isEqualTo(400);
        assertThat(call("GET", "/api/push/templates?pageSize=1000000", null, admin).status()).isEqualTo(400);
        assertThat(call("GET", "/api/push/templates/not-a-uuid", null, admin).status()).isEqualTo(400);
        assertThat(call("GET", "/api/push/templates", null, agent(tenant)).status()).as("agents").isEqualTo(403);
        template(admin, Map.of("name", "dup", "channel", "app", "content", "hi"));
        assertThat(call("POST", "/api/push/templates", Map.of("name", "dup", "channel", "app", "content", "hi"), admin).status()).isEqualTo(409);
    }
}
