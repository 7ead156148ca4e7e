package io.kefu.push.request;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.push.PushItSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SendApiIT extends PushItSupport {

    @org.springframework.beans.factory.annotation.Autowired
    io.kefu.push.dispatch.DispatchJobs jobs;

    final UUID tenant = UUID.randomUUID();
    final String admin = admin(tenant);
    UUID sms;

    @BeforeEach
    void templates() {
        WIREMOCK.stubFor(post(urlEqualTo("/")).withRequestBody(matching("(.*&)?Action=Send(Batch)?Sms(&.*)?"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"900619746936498440^0\",\"RequestId\":\"r-1\"}")));
        sms = template(admin, smsTemplate("shipped-" + UUID.randomUUID()));
    }

    @Test
    void oneMessageIsAcceptedAtOnceSentAndTraced() {
        Response accepted = call("POST", "/api/messages/send", Map.of("template_id", sms, "recipient", "13800138000",
                "variables", Map.of("order_no", "202401010001", "customer_name", "张三"), "priority", 8), admin);
        assertThat(accepted.status()).isEqualTo(202);
        UUID id = UUID.fromString(accepted.body().path("messageId").asString());
        try {
            // The played provider may be slow to answer its first call on a loaded machine: the retry job runs while we wait.
            await("sent", Duration.ofMinutes(2), () -> {
                jobs.publishDue();
                return "sent".equals(status(id));
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + jdbc.queryForMap(
                    "select status, attempts, published_at, failure_reason, trace::text from message where id = ?", id), e);
        }

        Response trace = call("GET", "/api/messages/traces/" + id, null, admin);
        assertThat(trace.status()).isEqualTo(200);
        assertThat(trace.body().path("status").asString()).isEqualTo("sent");
        assertThat(trace.body().path("steps").toString()).contains("queued", "processed", "sent");
        assertThat(trace.body().path("providerMessageId").asString()).isEqualTo("900619746936498440^0");
        assertThat(call("GET", "/api/messages/traces/" + id, null, admin(UUID.randomUUID())).status()).as("another tenant's").isEqualTo(404);
    }

    @Test
    void anIdempotencyKeyMakesARetryHarmless() {
        Map<String, Object> body = Map.of("template_id", sms, "recipient", "13800138001", "variables",
                Map.of("order_no", "1", "customer_name", "李四"));
        String key = "order-1-" + UUID.randomUUID();
        Response first = call("POST", "/api/messages/send", body, admin, Map.of("Idempotency-Key", key));
        Response second = call("POST", "/api/messages/send", body, admin, Map.of("Idempotency-Key", key));
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.body().path("messageId").asString()).isEqualTo(first.body().path("messageId").asString());
        assertThat(second.body().path("duplicate").asBoolean()).isTrue();
        assertThat(jdbc.queryForObject("select count(*) from message where tenant_id = ?", Long.class, tenant)).isEqualTo(1);

        List<String> recipients = List.of("13800138002", "13800138003");
        Map<String, Object> batch = Map.of("template_id", sms, "recipients", recipients, "variables", Map.of("order_no", "2", "customer_name", "王五"));
        Response b1 = call("POST", "/api/messages/send-batch", batch, admin, Map.of("Idempotency-Key", key));
        Response b2 = call("POST", "/api/messages/send-batch", batch, admin, Map.of("Idempotency-Key", key));
        assertThat(b2.body().path("batchId").asString()).isEqualTo(b1.body().path("batchId").asString());
        assertThat(jdbc.queryForObject("select count(*) from message where tenant_id = ?", Long.class, tenant)).isEqualTo(3);
    }

    @Test
    void aBatchRejectsBadRecipientsOneByOneAndSendsTheRest() {
        List<Object> recipients = List.of("13800138010", "not-a-phone", "13800138011", "13800138010",
                Map.of("recipient", "13800138012", "variables", Map.of("customer_name", "赵六")), Map.of("x", 1));
        Response accepted = call("POST", "/api/messages/send-batch", Map.of("template_id", sms, "recipients", recipients,
                "variables", Map.of("order_no", "3", "customer_name", "默认"), "priority", 3), admin);
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().path("accepted").asInt()).isEqualTo(3);
        assertThat(accepted.body().path("rejected").asInt()).isEqualTo(3);
        assertThat(accepted.body().path("rejections").findValuesAsString("index")).containsExactly("1", "3", "5");
        String batchId = accepted.body().path("batchId").asString();

        await("batch done", Duration.ofMinutes(2), () -> {
            jobs.publishDue();
            return call("GET", "/api/push/batches/" + batchId, null, admin).body().path("done").asBoolean();
        });
        Response progress = call("GET", "/api/push/batches/" + batchId, null, admin);
        assertThat(progress.body().path("sent").asInt()).isEqualTo(3);
        assertThat(progress.body().path("pending").asInt()).isZero();
        assertThat(progress.body().path("failed").asInt()).isZero();
        assertThat(progress.body().path("queued").asInt()).isEqualTo(3);
        Response byBatch = call("GET", "/api/messages/traces?batchId=" + batchId + "&page=1&pageSize=10", null, admin);
        assertThat(byBatch.body().path("total").asInt()).isEqualTo(3);
        Response byRecipient = call("GET", "/api/messages/traces?recipient=13800138012", null, admin);
        assertThat(byRecipient.body().path("items").get(0).path("variables").path("customer_name").asString()).isEqualTo("赵六");
    }

    @Test
    void badRequestsAreClear4xxAndStoreNothing() {
        Map<String, Object> vars = Map.of("order_no", "1", "customer_name", "x");
        assertThat(call("POST", "/api/messages/send", Map.of("template_id", UUID.randomUUID(), "recipient", "13800138000", "variables", vars), admin)
                .status()).as("unknown template").isEqualTo(404);
        assertThat(call("POST", "/api/messages/send", Map.of("template_id", sms, "recipient", "13800138000", "variables", Map.of("order_no", "1")),
                admin).body().path("detail").asString()).as("missing").contains("missing variables [customer_name]");
        Map<String, Object> extra = new HashMap<>(vars);
        extra.put("coupon", "x");
        assertThat(call("POST", "/api/messages/send", Map.of("template_id", sms, "recipient", "13800138000", "variables", extra), admin)
                .body().path("detail").asString()).as("extra").contains("coupon");
        assertThat(call("POST", "/api/messages/send", Map.of("template_id", sms, "recipient", "13800138000", "variables", vars, "priority", 11),
                admin).status()).as("priority 11").isEqualTo(400);
        assertThat(call("POST", "/api/messages/send", Map.of("template_id", sms, "recipient", "13800138000", "variables", vars, "priority", "x"),
                admin).status()).isEqualTo(400);
        assertThat(call("POST", "/api/messages/send", Map.of("template_id", sms, "recipient", "1234", "variables", vars), admin).status())
                .as("malformed phone").isEqualTo(400);
        assertThat(call("POST", "/api/messages/send", Map.of("template_id", sms, "recipient", "13800138000",
                "variables", Map.of("order_no", "x".repeat(600), "customer_name", "y")), admin).status()).as("oversized").isEqualTo(400);
        assertThat(call("POST", "/api/messages/send", Map.of("template_id", sms, "recipient", "13800138000", "variables", vars), admin,
                Map.of("Idempotency-Key", "x".repeat(300))).status()).isEqualTo(400);
        assertThat(call("POST", "/api/messages/send", Map.of("template_id", sms, "recipient", "13800138000", "variables", vars),
                agent(tenant)).status()).isEqualTo(403);
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            tooMany.add(String.format("1380%07d", i));
        }
        Response over = call("POST", "/api/messages/send-batch", Map.of("template_id", sms, "recipients", tooMany, "variables", vars), admin);
        assertThat(over.status()).as("10,001 recipients").isEqualTo(400);
        assertThat(over.body().path("detail").asString()).contains("10000");
        assertThat(call("POST", "/api/messages/send-batch", Map.of("template_id", sms, "recipients", List.of("bad", "worse"), "variables", vars),
                admin).status()).as("nobody to send to").isEqualTo(400);
        assertThat(call("POST", "/api/messages/send-batch", Map.of("template_id", sms, "recipients", List.of("13800138000")), admin)
                .body().path("detail").asString()).as("batch without variables").contains("missing variables");
        assertThat(jdbc.queryForObject("select count(*) from message where tenant_id = ?", Long.class, tenant)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from batch where tenant_id = ?", Long.class, tenant)).isZero();
    }
}
