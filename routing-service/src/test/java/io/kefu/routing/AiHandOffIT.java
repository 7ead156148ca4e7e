package io.kefu.routing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.TestEvents;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kb-ai-service's hand-off, as its committed sample has it, puts a conversation that is with the AI into
 * the human queue. Same context as {@link RoutingFlowIT} (one Spring context for both).
 */
@KefuIntegrationTest(classes = RoutingApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kefu.jobs.local.routing-queue-sweep.cron=", "kefu.jobs.local.routing-inactivity-warning.cron=",
        "kefu.jobs.local.routing-auto-close.cron=", "kefu.jobs.local.routing-inactive-cleanup.cron=",
        "kefu.jobs.local.routing-presence-sweep.cron="})
class AiHandOffIT extends RoutingItSupport {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final Path KB = Path.of("../kb-ai-service/contracts/events");

    @Test
    void theAisHandOffQueuesTheConversationForAPerson() throws Exception {
        UUID tenant = UUID.randomUUID();
        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        UUID admin = UUID.randomUUID();
        Response rules = call(port, "PUT", "/api/queue/rules", Map.of("aiFirst", true, "defaultGroup", "default", "engineerGroup",
                "engineers", "vipCustomers", List.of()), staffToken(admin, tenant, "agent", "supervisor", "admin"));
        assertThat(rules.status()).as(rules.body().toString()).isEqualTo(200);
        UUID conversation = withTheAi(tenant, "你们的退货地址是哪里？");
        Map<String, Object> data = handOffSample(conversation);
        TestEvents.publish(rabbit, "kb.conversation.handed-off.v1", tenant, conversation.toString(), 7, data);

        await("queued for a person", WAIT, () -> "waiting".equals(routeStatus(jdbc, conversation)));
        assertThat(outbox(jdbc, "routing.conversation.queued.v1", conversation)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select envelope->'data'->>'reason' from kefu_outbox where event_type = 'routing.conversation.queued.v1'"
                + " and envelope->>'subject' = ?", String.class, conversation.toString())).isEqualTo("ai_model_failed");

        // A second hand-off (a redelivery, or a later one) changes nothing: the conversation is no longer with the AI.
        String again = TestEvents.publish(rabbit, "kb.conversation.handed-off.v1", tenant, conversation.toString(), 7, data);
        await("second hand-off processed", WAIT, () -> jdbc.queryForObject("select count(*) from kefu_inbox where event_id = ?", Long.class,
                again) == 1);
        assertThat(outbox(jdbc, "routing.conversation.queued.v1", conversation)).isEqualTo(1);
    }

    @Test
    void theHandOffJoinsTheGroupTheTenantMapsItsIntentToAndAChangedMappingAppliesToTheNextOne() throws Exception {
        UUID tenant = UUID.randomUUID();
        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        String admin = staffToken(UUID.randomUUID(), tenant, "agent", "supervisor", "admin");
        Response rules = call(port, "PUT", "/api/queue/rules", Map.of("aiFirst", true, "defaultGroup", "default", "engineerGroup",
                "engineers", "vipCustomers", List.of(), "intentGroups", Map.of("aftersale", "售后", "complaint", "complaints")), admin);
        assertThat(rules.status()).as(rules.body().toString()).isEqualTo(200);
        assertThat(rules.body().path("intentGroups").path("aftersale").asString()).isEqualTo("售后");

        assertThat(handedOffInto(tenant, "aftersale")).isEqualTo("售后");
        assertThat(handedOffInto(tenant, "complaint")).isEqualTo("complaints");
        assertThat(handedOffInto(tenant, "presale")).isEqualTo("default"); // not mapped: the conversation's own group
        assertThat(handedOffInto(tenant, null)).isEqualTo("default"); // an older kb-ai without the intent

        // hot: the next hand-off follows the changed mapping, no restart
        assertThat(call(port, "PUT", "/api/queue/rules", Map.of("aiFirst", true, "defaultGroup", "default", "engineerGroup", "engineers",
                "vipCustomers", List.of(), "intentGroups", Map.of("aftersale", "after-sales-2")), admin).status()).isEqualTo(200);
        assertThat(handedOffInto(tenant, "aftersale")).isEqualTo("after-sales-2");
        assertThat(handedOffInto(tenant, "complaint")).isEqualTo("default");
    }

    @Test
    void aMappingOfAnUnknownIntentOrToAnInvalidGroupIsRefusedAndNothingIsStored() {
        UUID tenant = UUID.randomUUID();
        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        String admin = staffToken(UUID.randomUUID(), tenant, "agent", "supervisor", "admin");
        for (Map<String, String> bad : List.of(Map.of("refund", "售后"), Map.of("aftersale", " "), Map.of("aftersale", "售后 组"),
                Map.of("aftersale", "x".repeat(65)))) {
            Response r = call(port, "PUT", "/api/queue/rules", Map.of("aiFirst", true, "defaultGroup", "default", "engineerGroup",
                    "engineers", "vipCustomers", List.of(), "intentGroups", bad), admin);
            assertThat(r.status()).as(bad + " " + r.body()).isEqualTo(400);
        }
        assertThat(jdbc.queryForObject("select count(*) from routing_rule where tenant_id = ?", Long.class, tenant)).isZero();
    }

    /** A new conversation with the AI, handed over by kb-ai (its committed sample) with {@code intent}; the group it waits in. */
    private String handedOffInto(UUID tenant, @Nullable String intent) throws Exception {
        UUID conversation = withTheAi(tenant, "你好，问个问题");
        Map<String, Object> data = handOffSample(conversation);
        data.put("intent", intent);
        TestEvents.publish(rabbit, "kb.conversation.handed-off.v1", tenant, conversation.toString(), 7, data);
        await("queued for a person", WAIT, () -> "waiting".equals(routeStatus(jdbc, conversation)));
        return jdbc.queryForObject("select group_name from route where conversation_id = ?", String.class, conversation);
    }

    /** A customer's first message routed to the AI (the tenant is AI-first); the conversation. */
    private UUID withTheAi(UUID tenant, String text) throws Exception {
        UUID conversation = UUID.randomUUID();
        customerWrote(rabbit, tenant, conversation, UUID.randomUUID(), text);
        await("with the AI", WAIT, () -> "ai".equals(routeStatus(jdbc, conversation)));
        return conversation;
    }

    /** kb-ai's committed sample of its hand-off, about {@code conversation}. */
    private static Map<String, Object> handOffSample(UUID conversation) throws Exception {
        JsonNode sample = JSON.readTree(KB.resolve("kb.conversation.handed-off.v1.json").toFile()).path("data");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = JSON.convertValue(sample, Map.class);
        data.put("conversationId", conversation.toString());
        return data;
    }
}
