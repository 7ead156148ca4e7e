package io.kefu.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.testsupport.KefuIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing's decisions and assignment as the rest of the suite sees them: chat's and auth's events
 * arrive on the real exchanges, results leave as routing events through the outbox.
 */
@KefuIntegrationTest(classes = RoutingApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kefu.jobs.local.routing-queue-sweep.cron=", "kefu.jobs.local.routing-inactivity-warning.cron=",
        "kefu.jobs.local.routing-auto-close.cron=", "kefu.jobs.local.routing-inactive-cleanup.cron=",
        "kefu.jobs.local.routing-presence-sweep.cron="})
class RoutingFlowIT extends RoutingItSupport {

    static final Duration WAIT = Duration.ofSeconds(20);

    UUID tenant;
    int port;

    @BeforeEach
    void setUp() {
        tenant = UUID.randomUUID();
        port = environment.getRequiredProperty("local.server.port", Integer.class);
    }

    private UUID agentOnline(String department, int max) {
        UUID agent = UUID.randomUUID();
        staffCreated(rabbit, agent, tenant, "agent-" + agent.toString().substring(0, 4), department, max);
        await("profile of " + agent, WAIT, () -> jdbc.queryForObject("select count(*) from agent where staff_id = ?", Long.class, agent) == 1);
        Response online = call(port, "PUT", "/api/staff/status", Map.of("status", "online"), staffToken(agent, tenant, "agent"));
        assertThat(online.status()).as(online.body().toString()).isEqualTo(200);
        return agent;
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private long queueWaits() {
        io.micrometer.core.instrument.Timer waits = meters.find("kefu.routing.queue.wait").timer();
        return waits == null ? 0 : waits.count();
    }

    private UUID agentOf(UUID conversationId) {
        return jdbc.queryForObject("select agent_id from route where conversation_id = ?", UUID.class, conversationId);
    }

    @Test
    void aCustomersMessageQueuesAndTheNextFreeAgentGetsIt() {
        UUID conversation = UUID.randomUUID();
        long waitsBefore = queueWaits();
        customerWrote(rabbit, tenant, conversation, UUID.randomUUID(), "你好");
        await("queued", WAIT, () -> "waiting".equals(routeStatus(jdbc, conversation)));
        assertThat(outbox(jdbc, "routing.conversation.queued.v1", conversation)).isEqualTo(1);

        UUID agent = agentOnline("default", 5);

        await("assigned", WAIT, () -> "assigned".equals(routeStatus(jdbc, conversation)));
        // Timed once the assignment has committed, which can be just after the row says so.
        await("the wait is on kefu.routing.queue.wait", WAIT, () -> queueWaits() > waitsBefore);
        assertThat(agentOf(conversation)).isEqualTo(agent);
        assertThat(outbox(jdbc, "routing.conversation.assigned.v1", conversation)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select current_load from agent where staff_id = ?", Integer.class, agent)).isEqualTo(1);
        assertThat(outbox(jdbc, "routing.agent.status.v1", agent)).isEqualTo(1);

        conversationEnded(rabbit, tenant, conversation);
        await("released", WAIT, () -> jdbc.queryForObject("select current_load from agent where staff_id = ?", Integer.class, agent) == 0);
        assertThat(routeStatus(jdbc, conversation)).isEqualTo("closed");
    }

    @Test
    void theAssignmentContinuesTheTraceOfTheCustomersMessage() {
        agentOnline("default", 5);
        UUID conversation = UUID.randomUUID();
        String traceId = UUID.randomUUID().toString().replace("-", "");
        // chat-service's message, as its relay publishes it: the trace in the envelope and in the message header.
        Map<String, Object> envelope = Map.of("id", UUID.randomUUID().toString(), "type", "chat.message.received.v1",
                "source", "chat-service", "time", java.time.Instant.now().toString(), "tenantId", tenant.toString(),
                "subject", conversation.toString(), "priority", 5, "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01",
                "data", Map.of("messageId", UUID.randomUUID().toString(), "conversationId", conversation.toString(),
                        "customerId", UUID.randomUUID().toString(), "channel", "miniapp", "type", "text", "content", "你好",
                        "conversationStatus", "waiting", "newConversation", true, "createdAt", java.time.Instant.now().toString()));
        var props = new org.springframework.amqp.core.MessageProperties();
        props.setContentType("application/json");
        props.setHeader("traceparent", "00-" + traceId + "-b7ad6b7169203331-01");
        rabbit.send("kefu.chat", "message.received.v1", new org.springframework.amqp.core.Message(JSON.writeValueAsBytes(envelope), props));

        await("assigned", WAIT, () -> outbox(jdbc, "routing.conversation.assigned.v1", conversation) == 1);
        String traceparent = jdbc.queryForObject("select envelope->>'traceparent' from kefu_outbox"
                + " where event_type = 'routing.conversation.assigned.v1' and envelope->>'subject' = ?", String.class, conversation.toString());
        assertThat(traceparent).as("the assignment pass runs on another thread, in the message's trace").contains("-" + traceId + "-");
    }

    @Test
    void anAgentNeverGetsMoreThanTheirCapacityAndTheLeastLoadedGoesFirst() {
        UUID busy = agentOnline("default", 2);
        UUID other = agentOnline("default", 2);
        List<UUID> conversations = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        for (UUID c : conversations) {
            customerWrote(rabbit, tenant, c, UUID.randomUUID(), "help");
        }

        // all five routed (the last message may still be on its way when four are assigned), four of them assigned
        await("four assigned, one waiting", WAIT, () -> jdbc.queryForObject(
                "select count(*) filter (where status = 'assigned') * 10 + count(*) filter (where status = 'waiting') from route where tenant_id = ?",
                Long.class, tenant) == 41);
        assertThat(jdbc.queryForObject("select current_load from agent where staff_id = ?", Integer.class, busy)).isEqualTo(2);
        assertThat(jdbc.queryForObject("select current_load from agent where staff_id = ?", Integer.class, other)).isEqualTo(2);
        UUID fifth = conversations.stream().filter(c -> "waiting".equals(routeStatus(jdbc, c))).findFirst().orElseThrow();

        Response position = call(port, "GET", "/api/queue/position?conversationId=" + fifth, null, staffToken(busy, tenant, "agent"));
        assertThat(position.body().path("position").asInt()).isEqualTo(1);
        assertThat(position.body().path("estimatedWaitSeconds").asLong()).isPositive();

        conversationEnded(rabbit, tenant, conversations.stream().filter(c -> busy.equals(agentOfOrNull(c))).findFirst().orElseThrow());
        await("the fifth assigned once capacity frees", WAIT, () -> "assigned".equals(routeStatus(jdbc, fifth)));
        assertThat(agentOf(fifth)).isEqualTo(busy);
    }

    private UUID agentOfOrNull(UUID conversationId) {
        List<UUID> agents = jdbc.query("select agent_id from route where conversation_id = ?", (rs, i) -> rs.getObject(1, UUID.class),
                conversationId);
        return agents.isEmpty() ? null : agents.getFirst();
    }

    @Test
    void vipAndComplaintsJumpTheQueueAndArrivalOrdersTheRest() {
        UUID vipCustomer = UUID.randomUUID();
        UUID admin = UUID.randomUUID();
        Response rules = call(port, "PUT", "/api/queue/rules", Map.of("aiFirst", false, "defaultGroup", "default", "engineerGroup", "engineers",
                "vipCustomers", List.of(vipCustomer)), staffToken(admin, tenant, "agent", "supervisor", "admin"));
        assertThat(rules.status()).as(rules.body().toString()).isEqualTo(200);

        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID complaint = UUID.randomUUID();
        UUID vip = UUID.randomUUID();
        customerWrote(rabbit, tenant, first, UUID.randomUUID(), "在吗");
        await("first queued", WAIT, () -> routeStatus(jdbc, first) != null);
        customerWrote(rabbit, tenant, second, UUID.randomUUID(), "问个问题");
        await("second queued", WAIT, () -> routeStatus(jdbc, second) != null);
        customerWrote(rabbit, tenant, complaint, UUID.randomUUID(), "我要投诉你们的快递");
        customerWrote(rabbit, tenant, vip, vipCustomer, "hello");
        await("all queued", WAIT, () -> routeStatus(jdbc, complaint) != null && routeStatus(jdbc, vip) != null);

        Response queue = call(port, "GET", "/api/queue?group=default", null, staffToken(admin, tenant, "agent", "supervisor"));
        assertThat(queue.body().findValuesAsString("conversationId")).containsExactly(vip.toString(), complaint.toString(), first.toString(),
                second.toString());
    }

    @Test
    void withAiFirstTheAiIsAskedUnlessTheCustomerWantsAPerson() throws Exception {
        // A stand-in for kb-ai-service: its own queue on routing's exchange, as its consumer will bind.
        org.springframework.amqp.rabbit.core.RabbitAdmin admin0 = new org.springframework.amqp.rabbit.core.RabbitAdmin(rabbit);
        org.springframework.amqp.core.Queue standIn = new org.springframework.amqp.core.AnonymousQueue();
        admin0.declareQueue(standIn);
        admin0.declareBinding(org.springframework.amqp.core.BindingBuilder.bind(standIn)
                .to(new org.springframework.amqp.core.TopicExchange("kefu.routing")).with("ai.requested.v1"));
        UUID admin = UUID.randomUUID();
        call(port, "PUT", "/api/queue/rules", Map.of("aiFirst", true, "defaultGroup", "default", "engineerGroup", "engineers",
                "vipCustomers", List.of()), staffToken(admin, tenant, "agent", "supervisor", "admin"));
        UUID toAi = UUID.randomUUID();
        UUID toHuman = UUID.randomUUID();

        customerWrote(rabbit, tenant, toAi, UUID.randomUUID(), "营业时间是几点？");
        customerWrote(rabbit, tenant, toHuman, UUID.randomUUID(), "转人工");
        await("decided", WAIT, () -> routeStatus(jdbc, toAi) != null && routeStatus(jdbc, toHuman) != null);

        assertThat(routeStatus(jdbc, toAi)).isEqualTo("ai");
        assertThat(outbox(jdbc, "routing.ai.requested.v1", toAi)).isEqualTo(1);
        org.springframework.amqp.core.Message asked = rabbit.receive(standIn.getName(), 20_000);
        assertThat(asked).as("the AI's consumer gets the request").isNotNull();
        JsonNode envelope = JSON.readTree(asked.getBody());
        assertThat(envelope.path("type").asString()).isEqualTo("routing.ai.requested.v1");
        assertThat(envelope.path("data").path("conversationId").asString()).isEqualTo(toAi.toString());
        assertThat(envelope.path("data").path("content").asString()).isEqualTo("营业时间是几点？");
        assertThat(routeStatus(jdbc, toHuman)).isEqualTo("waiting");
        assertThat(outbox(jdbc, "routing.ai.requested.v1", toHuman)).isZero();

        // Later in the AI conversation the customer asks for a person: it joins the queue.
        customerWrote(rabbit, tenant, toAi, UUID.randomUUID(), "我要人工客服");
        await("handed over", WAIT, () -> "waiting".equals(routeStatus(jdbc, toAi)));
        assertThat(outbox(jdbc, "routing.conversation.queued.v1", toAi)).isEqualTo(1);
    }

    @Test
    void anAgentGoingOfflineHandsBackConversationsWaitingForTheirReplyToTheQueueFront() {
        UUID leaving = agentOnline("default", 2);
        UUID answered = UUID.randomUUID();
        UUID unanswered = UUID.randomUUID();
        customerWrote(rabbit, tenant, answered, UUID.randomUUID(), "a");
        customerWrote(rabbit, tenant, unanswered, UUID.randomUUID(), "b");
        await("both assigned", WAIT, () -> "assigned".equals(routeStatus(jdbc, answered)) && "assigned".equals(routeStatus(jdbc, unanswered)));
        agentReplied(rabbit, tenant, answered, leaving);
        await("reply noted", WAIT, () -> jdbc.queryForObject("select last_agent_at is not null from route where conversation_id = ?",
                Boolean.class, answered));
        UUID later = UUID.randomUUID();
        customerWrote(rabbit, tenant, later, UUID.randomUUID(), "c");
        await("later queued", WAIT, () -> routeStatus(jdbc, later) != null);

        Response off = call(port, "PUT", "/api/staff/status", Map.of("status", "offline"), staffToken(leaving, tenant, "agent"));
        assertThat(off.status()).isEqualTo(200);

        await("handed back", WAIT, () -> "waiting".equals(routeStatus(jdbc, unanswered)));
        assertThat(routeStatus(jdbc, answered)).isEqualTo("assigned");
        Response queue = call(port, "GET", "/api/queue?group=default", null, staffToken(UUID.randomUUID(), tenant, "agent", "supervisor"));
        assertThat(queue.body().findValuesAsString("conversationId")).containsExactly(unanswered.toString(), later.toString());
        assertThat(jdbc.queryForObject("select current_load from agent where staff_id = ?", Integer.class, leaving)).isEqualTo(1);
    }

    @Test
    void aTransferMovesTheConversationAndTellsBothSides() {
        UUID from = agentOnline("default", 5);
        UUID conversation = UUID.randomUUID();
        customerWrote(rabbit, tenant, conversation, UUID.randomUUID(), "网络不通");
        await("assigned", WAIT, () -> "assigned".equals(routeStatus(jdbc, conversation)));
        UUID engineer = UUID.randomUUID();
        staffCreated(rabbit, engineer, tenant, "engineer", "engineers", 3);
        await("engineer profile", WAIT, () -> jdbc.queryForObject("select count(*) from agent where staff_id = ?", Long.class, engineer) == 1);

        Response toGroup = call(port, "POST", "/api/queue/transfer", Map.of("conversationId", conversation, "toGroup", "engineers",
                "reason", "#转接工程师"), staffToken(from, tenant, "agent"));
        assertThat(toGroup.status()).as(toGroup.body().toString()).isEqualTo(200);
        assertThat(outbox(jdbc, "routing.conversation.transferred.v1", conversation)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select current_load from agent where staff_id = ?", Integer.class, from)).isZero();

        call(port, "PUT", "/api/staff/status", Map.of("status", "online"), staffToken(engineer, tenant, "agent"));
        await("engineer took it", WAIT, () -> engineer.equals(agentOfOrNull(conversation)));

        Response stranger = call(port, "POST", "/api/queue/transfer", Map.of("conversationId", conversation, "toGroup", "default"),
                staffToken(UUID.randomUUID(), tenant, "agent"));
        assertThat(stranger.status()).isEqualTo(403);
        Response both = call(port, "POST", "/api/queue/transfer", Map.of("conversationId", conversation, "toGroup", "default",
                "toAgentId", from), staffToken(engineer, tenant, "agent"));
        assertThat(both.status()).isEqualTo(400);
    }

    @Test
    void staffEndpointsCheckRolesAndInput() {
        UUID agent = agentOnline("default", 5);
        assertThat(call(port, "PUT", "/api/staff/status", Map.of("status", "sleeping"), staffToken(agent, tenant, "agent")).status())
                .isEqualTo(400);
        assertThat(call(port, "GET", "/api/staff/stats", null, staffToken(agent, tenant, "agent")).status()).isEqualTo(403);
        Response stats = call(port, "GET", "/api/staff/stats", null, staffToken(UUID.randomUUID(), tenant, "agent", "supervisor"));
        assertThat(stats.status()).isEqualTo(200);
        JsonNode mine = null;
        for (JsonNode row : stats.body()) {
            if (row.path("staffId").asString().equals(agent.toString())) {
                mine = row;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.path("status").asString()).isEqualTo("online");
        Response online = call(port, "GET", "/api/staff/online", null, staffToken(agent, tenant, "agent"));
        assertThat(online.body().findValuesAsString("staffId")).contains(agent.toString());
        assertThat(call(port, "PUT", "/api/staff/status", Map.of("status", "online"),
                staffToken(UUID.randomUUID(), tenant, "agent")).status()).isEqualTo(404);
    }
}
