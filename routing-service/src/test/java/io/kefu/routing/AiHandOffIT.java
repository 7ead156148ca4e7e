package io.kefu.routing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.TestEvents;
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
        UUID conversation = UUID.randomUUID();
        customerWrote(rabbit, tenant, conversation, UUID.randomUUID(), "你们的退货地址是哪里？");
        await("with the AI", WAIT, () -> "ai".equals(routeStatus(jdbc, conversation)));

        JsonNode sample = JSON.readTree(KB.resolve("kb.conversation.handed-off.v1.json").toFile()).path("data");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = JSON.convertValue(sample, Map.class);
        data.put("conversationId", conversation.toString());
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
}
