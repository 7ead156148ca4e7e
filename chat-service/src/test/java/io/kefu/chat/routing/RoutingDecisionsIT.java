package io.kefu.chat.routing;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.SendCommand;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.testsupport.EventContracts;
import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.StompTestClient;
import io.kefu.testsupport.TestEvents;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** routing's decisions, arriving on the real kefu.routing exchange, change chat's conversations. */
class RoutingDecisionsIT extends ChatItSupport {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Path ROUTING = Path.of("../routing-service/contracts/events");

    @Autowired
    MessageSending conversations;
    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    org.springframework.core.env.Environment environment;

    private UUID openConversation(UUID tenant) {
        KefuPrincipal customer = new KefuPrincipal(UUID.randomUUID(), tenant, "customer", Set.of("customer"));
        return conversations.send(customer, new SendCommand(null, "text", "在吗", null, null, null, null)).conversationId();
    }

    private void publish(String type, UUID tenant, UUID subject, Map<String, ?> data) {
        TestEvents.publish(rabbit, type, tenant, subject.toString(), 5, data);
    }

    private String column(String column, UUID conversationId) {
        return jdbc.queryForObject("select " + column + "::text from conversation where id = ?", String.class, conversationId);
    }

    @Test
    void anAssignmentMakesTheConversationActiveWithItsAgentAndATransferToAGroupMakesItWaitAgain() {
        UUID tenant = UUID.randomUUID();
        UUID conversation = openConversation(tenant);
        UUID agent = UUID.randomUUID();

        publish("routing.conversation.assigned.v1", tenant, conversation, Map.of("conversationId", conversation.toString(),
                "customerId", UUID.randomUUID().toString(), "agentId", agent.toString(), "groupName", "default", "waitedSeconds", 3,
                "assignedAt", Instant.now().toString()));
        await(() -> "active".equals(column("status", conversation)));
        assertThat(column("agent_id", conversation)).isEqualTo(agent.toString());

        publish("routing.conversation.transferred.v1", tenant, conversation, Map.of("conversationId", conversation.toString(),
                "customerId", UUID.randomUUID().toString(), "fromAgentId", agent.toString(), "toGroup", "engineers", "reason", "transfer",
                "transferredAt", Instant.now().toString()));
        await(() -> "waiting".equals(column("status", conversation)));
        assertThat(column("agent_id", conversation)).isNull();
        assertThat(jdbc.queryForObject("select count(*) from message where conversation_id = ? and sender_type = 'system'", Long.class,
                conversation)).isEqualTo(1);
    }

    @Test
    void aWarningBecomesASystemMessageAndACloseRequestEndsTheConversationWithRoutingsReason() {
        UUID tenant = UUID.randomUUID();
        UUID conversation = openConversation(tenant);

        publish("routing.conversation.inactivity-warning.v1", tenant, conversation, Map.of("conversationId", conversation.toString(),
                "customerId", UUID.randomUUID().toString(), "closesInSeconds", 300, "at", Instant.now().toString()));
        await(() -> jdbc.queryForObject("select count(*) from message where conversation_id = ? and sender_type = 'system'", Long.class,
                conversation) == 1);
        assertThat(jdbc.queryForObject("select content from message where conversation_id = ? and sender_type = 'system'", String.class,
                conversation)).contains("5 分钟");

        publish("routing.conversation.close-requested.v1", tenant, conversation, Map.of("conversationId", conversation.toString(),
                "customerId", UUID.randomUUID().toString(), "reason", "timeout", "comment", "no reply", "at", Instant.now().toString()));
        await(() -> "timeout".equals(column("status", conversation)));
        assertThat(column("ended_reason", conversation)).isEqualTo("timeout");
        assertThat(column("ended_type", conversation)).isEqualTo("system");
    }

    @Test
    void aCloseRequestFromAnAgentsStaffCommandEndsTheConversationInTheirName() {
        UUID tenant = UUID.randomUUID();
        UUID conversation = openConversation(tenant);
        UUID agent = UUID.randomUUID();

        publish("routing.conversation.close-requested.v1", tenant, conversation, Map.of("conversationId", conversation.toString(),
                "customerId", UUID.randomUUID().toString(), "reason", "resolved", "comment", "已补发配件", "byStaffId", agent.toString(),
                "at", Instant.now().toString()));

        await(() -> "closed".equals(column("status", conversation)));
        assertThat(column("ended_reason", conversation)).isEqualTo("resolved");
        assertThat(column("ended_type", conversation)).isEqualTo("staff");
        assertThat(column("ended_by", conversation)).isEqualTo(agent.toString());
        assertThat(column("ended_comment", conversation)).isEqualTo("已补发配件");
    }

    @Test
    void queuePositionsReachTheCustomerAndStaffStatusTheTenantsStaffOverStomp() throws Exception {
        UUID tenant = UUID.randomUUID();
        Person customer = customer(tenant);
        Person staff = agent(tenant);
        String ws = "ws://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + "/ws";
        try (StompTestClient c = StompTestClient.connect(ws, customer.token()); StompTestClient a = StompTestClient.connect(ws, staff.token())) {
            c.subscribe("/user/queue/position").ready();
            a.subscribe("/topic/staff." + tenant + ".status").ready();
            UUID conversation = UUID.randomUUID();
            publish("routing.queue.position.v1", tenant, conversation, Map.of("conversationId", conversation.toString(),
                    "customerId", customer.id().toString(), "position", 2, "estimatedWaitSeconds", 360, "at", Instant.now().toString()));
            JsonNode position = c.await("/user/queue/position", Duration.ofSeconds(15), f -> true);
            assertThat(position.path("position").asInt()).isEqualTo(2);
            assertThat(position.path("estimatedWaitSeconds").asLong()).isEqualTo(360);

            UUID colleague = UUID.randomUUID();
            publish("routing.agent.status.v1", tenant, colleague, Map.of("staffId", colleague.toString(), "name", "王", "groupName", "default",
                    "status", "online", "previousStatus", "offline", "currentLoad", 0, "maxConcurrentChats", 5, "cause", "agent",
                    "changedAt", Instant.now().toString()));
            JsonNode status = a.await("/topic/staff." + tenant + ".status", Duration.ofSeconds(15), f -> true);
            assertThat(status.path("staffId").asString()).isEqualTo(colleague.toString());
            assertThat(status.path("status").asString()).isEqualTo("online");
        }
    }

    @Test
    void chatsRecordsReadRoutingsSamples() {
        assertThat(EventContracts.readSampleData(ROUTING, "routing.conversation.assigned.v1", RoutingDecisions.Assigned.class).agentId())
                .isNotNull();
        assertThat(EventContracts.readSampleData(ROUTING, "routing.conversation.transferred.v1", RoutingDecisions.Transferred.class)
                .toGroup()).isEqualTo("engineers");
        assertThat(EventContracts.readSampleData(ROUTING, "routing.conversation.inactivity-warning.v1",
                RoutingDecisions.InactivityWarning.class).closesInSeconds()).isPositive();
        assertThat(EventContracts.readSampleData(ROUTING, "routing.conversation.close-requested.v1", RoutingDecisions.CloseRequested.class)
                .reason()).isEqualTo("timeout");
        assertThat(EventContracts.readSampleData(ROUTING, "routing.queue.position.v1", RoutingDecisions.Position.class).position()).isPositive();
        assertThat(EventContracts.readSampleData(ROUTING, "routing.conversation.queued.v1", RoutingDecisions.Position.class).position())
                .isPositive();
        assertThat(EventContracts.readSampleData(ROUTING, "routing.agent.status.v1", RoutingDecisions.AgentStatus.class).status())
                .isEqualTo("online");
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
