package io.kefu.routing.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.kefu.routing.RoutingApplication;
import io.kefu.routing.RoutingItSupport;
import io.kefu.routing.queue.RoutingDecision.MessageReceived;
import io.kefu.testsupport.KefuIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * routing's {@code chatEvents} is a batch consumer: a backlog of chat's events is handled a batch per transaction,
 * and each event keeps what it had when each had its own — a conversation's events in order, each taking effect
 * once, a refused one dead-lettered alone, the work after the commit (passes over the queue) done.
 */
@KefuIntegrationTest(classes = RoutingApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kefu.jobs.local.routing-queue-sweep.cron=", "kefu.jobs.local.routing-inactivity-warning.cron=",
        "kefu.jobs.local.routing-auto-close.cron=", "kefu.jobs.local.routing-inactive-cleanup.cron=",
        "kefu.jobs.local.routing-presence-sweep.cron="})
class ChatEventBatchesIT extends RoutingItSupport {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final int CONVERSATIONS = 40;

    @Autowired
    BindingsLifecycleController bindings;
    @Autowired
    RoutingDecision decision;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    @Qualifier("chatEvents")
    Consumer<org.springframework.messaging.Message<List<byte[]>>> chatEvents;

    UUID tenant;
    int port;

    @BeforeEach
    void setUp() {
        tenant = UUID.randomUUID();
        port = environment.getRequiredProperty("local.server.port", Integer.class);
    }

    /**
     * 40 conversations of an AI-first tenant, three messages each — a question (the AI is asked), a request for a
     * person (the conversation is queued), a thank-you (nothing) — plus a redelivered question and a message without
     * its customer, handed to the consumer as the binder hands a backlog over: batches of 10 in the queue's order. In
     * any other order per conversation the AI would be asked for another message, or not at all. (The batches are
     * handed over here rather than through the broker: the JVM's other test contexts consume the same queue, as
     * further instances would, and share a conversation's messages among them in no order.)
     */
    @RepeatedTest(2)
    void aBacklogOfManyConversationsIsRoutedInBatchesEachEventOnceInOrderAndARefusedOneAlone() {
        UUID admin = UUID.randomUUID();
        Response rules = call(port, "PUT", "/api/queue/rules", Map.of("aiFirst", true, "defaultGroup", "default", "engineerGroup",
                "engineers", "vipCustomers", List.of()), staffToken(admin, tenant, "agent", "supervisor", "admin"));
        assertThat(rules.status()).as(rules.body().toString()).isEqualTo(200);

        List<UUID> conversations = new ArrayList<>();
        Map<UUID, String> questions = new HashMap<>();
        List<Map<String, Object>> backlog = new ArrayList<>();
        UUID forgedConversation = UUID.randomUUID();
        Map<String, Object> redelivered = null;
        String forged = null;
        for (int i = 0; i < CONVERSATIONS; i++) {
            UUID conversation = UUID.randomUUID();
            UUID customer = UUID.randomUUID();
            conversations.add(conversation);
            String question = UUID.randomUUID().toString();
            questions.put(conversation, question);
            Map<String, Object> first = received(conversation, customer, question, "营业时间是几点？");
            backlog.add(first);
            if (i == 7) {
                redelivered = first;
            }
            backlog.add(received(conversation, customer, UUID.randomUUID().toString(), "转人工"));
            if (i == 20) {
                backlog.add(redelivered); // the same envelope again
                Map<String, Object> incomplete = received(forgedConversation, UUID.randomUUID(), UUID.randomUUID().toString(), "hi");
                @SuppressWarnings("unchecked")
                Map<String, Object> data = (Map<String, Object>) incomplete.get("data");
                data.remove("customerId");
                forged = (String) incomplete.get("id");
                backlog.add(incomplete);
            }
            backlog.add(received(conversation, customer, UUID.randomUUID().toString(), "谢谢"));
        }
        List<String> ids = backlog.stream().map(e -> (String) e.get("id")).distinct().toList();
        int batches = 0;
        for (int from = 0; from < backlog.size(); from += 10) {
            chatEvents.accept(batch(backlog.subList(from, Math.min(backlog.size(), from + 10))));
            batches++;
        }

        for (UUID conversation : conversations) {
            List<String> asked = jdbc.queryForList("""
                    select envelope->'data'->>'messageId' from kefu_outbox where event_type = 'routing.ai.requested.v1'
                      and envelope->>'subject' = ?""", String.class, conversation.toString());
            assertThat(asked).as("the AI is asked once, for the question (the first message)").containsExactly(questions.get(conversation));
            List<String> queued = jdbc.queryForList("""
                    select envelope->'data'->>'reason' from kefu_outbox where event_type = 'routing.conversation.queued.v1'
                      and envelope->>'subject' = ?""", String.class, conversation.toString());
            assertThat(queued).as("queued once, when the customer asked for a person").containsExactly("asked_for_human");
            assertThat(routeStatus(jdbc, conversation)).isEqualTo("waiting");
        }
        assertThat(routeStatus(jdbc, forgedConversation)).isNull();
        String refused = forged;
        List<String> recorded = ids.stream().filter(id -> !id.equals(refused)).toList();
        assertThat(jdbc.queryForObject("select count(*) from kefu_inbox where consumer = 'routing' and event_id = any(?)", Long.class,
                (Object) recorded.toArray(String[]::new))).as("every event but the refused one recorded, once").isEqualTo(recorded.size());
        assertThat(jdbc.queryForObject("select count(*) from kefu_inbox where event_id = ?", Long.class, forged))
                .as("the refused event left nothing, not even its id").isZero();
        // One transaction per batch: a batch's events share its inbox insert, and its time.
        assertThat(jdbc.queryForObject("select count(distinct received_at) from kefu_inbox where consumer = 'routing' and event_id = any(?)",
                Long.class, (Object) recorded.toArray(String[]::new))).isEqualTo(batches);

        String reason = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (reason == null && System.nanoTime() < deadline) {
            Message dead = rabbit.receive("kefu.chat.routing.dlq", 1000);
            if (dead != null && new String(dead.getBody()).contains(forgedConversation.toString())) {
                reason = String.valueOf(dead.getMessageProperties().getHeaders().get("x-exception-message"));
            }
        }
        assertThat(reason).contains("lacks customerId").contains("(1 attempt)");
    }

    /** A batch as the binder's inbound adapter hands it over: the payloads, and each message's own headers. */
    private static org.springframework.messaging.Message<List<byte[]>> batch(List<Map<String, Object>> envelopes) {
        List<byte[]> payloads = envelopes.stream().map(JSON::writeValueAsBytes).toList();
        List<Map<String, Object>> headers = envelopes.stream().map(e -> Map.<String, Object>of("amqp_consumerQueue", "kefu.chat.routing",
                "amqp_receivedExchange", "kefu.chat", "amqp_receivedRoutingKey", "message.received.v1", "contentType", "application/json"))
                .toList();
        return MessageBuilder.withPayload(payloads).setHeader("amqp_batchedHeaders", headers).build();
    }

    /**
     * An agent holds three conversations, two more wait. Their ends and the waiting customers' messages arrive as one
     * backlog: the agent gets each unit of capacity back once (as the batch commits), and the passes started after
     * the commit give the two waiting conversations to the agent, once each.
     */
    @Test
    void endsInABatchReleaseTheAgentOnceEachAndThePassAfterTheCommitAssignsTheWaiting() {
        UUID agent = UUID.randomUUID();
        staffCreated(rabbit, agent, tenant, "agent", "default", 3);
        await("profile", WAIT, () -> jdbc.queryForObject("select count(*) from agent where staff_id = ?", Long.class, agent) == 1);
        assertThat(call(port, "PUT", "/api/staff/status", Map.of("status", "online"), staffToken(agent, tenant, "agent")).status()).isEqualTo(200);
        List<UUID> held = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        List<UUID> waiting = List.of(UUID.randomUUID(), UUID.randomUUID());
        for (UUID c : held) {
            customerWrote(rabbit, tenant, c, UUID.randomUUID(), "你好");
        }
        await("three assigned", WAIT, () -> held.stream().allMatch(c -> "assigned".equals(routeStatus(jdbc, c))));
        for (UUID c : waiting) {
            customerWrote(rabbit, tenant, c, UUID.randomUUID(), "在吗");
        }
        await("two waiting", WAIT, () -> waiting.stream().allMatch(c -> "waiting".equals(routeStatus(jdbc, c))));

        bindings.changeState("chatEvents-in-0", BindingsLifecycleController.State.STOPPED);
        try {
            for (int i = 0; i < held.size(); i++) {
                agentReplied(rabbit, tenant, held.get(i), agent);
                conversationEnded(rabbit, tenant, held.get(i));
                if (i < waiting.size()) {
                    customerWrote(rabbit, tenant, waiting.get(i), UUID.randomUUID(), "还在吗");
                }
            }
        } finally {
            bindings.changeState("chatEvents-in-0", BindingsLifecycleController.State.STARTED);
        }

        await("the waiting assigned", WAIT, () -> waiting.stream().allMatch(c -> "assigned".equals(routeStatus(jdbc, c))));
        assertThat(held).allSatisfy(c -> assertThat(routeStatus(jdbc, c)).isEqualTo("closed"));
        assertThat(jdbc.queryForObject("select current_load from agent where staff_id = ?", Integer.class, agent)).isEqualTo(2);
        assertThat(waiting).allSatisfy(c -> assertThat(outbox(jdbc, "routing.conversation.assigned.v1", c)).isEqualTo(1));
        assertThat(jdbc.queryForObject("select count(*) from route where agent_id = ? and status = 'assigned'", Long.class, agent)).isEqualTo(2);
    }

    /**
     * Two instances' batches may hold a conversation's first two messages at once: the second's insert of the route
     * waits for the first's commit and finds the route there. It is then decided as the conversation's next message
     * (a complaint raises the waiting route's priority), not as a second first one (no second "queued").
     */
    @Test
    void aRouteCreatedMeanwhileByAnotherTransactionMakesTheMessageTheConversationsNextOne() throws Exception {
        UUID conversation = UUID.randomUUID();
        UUID customer = UUID.randomUUID();
        CountDownLatch firstInserted = new CountDownLatch(1);
        CountDownLatch commitFirst = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = pool.submit(() -> tx.executeWithoutResult(status -> {
                decision.onCustomerMessage(tenant, message(conversation, customer, "你好"));
                firstInserted.countDown();
                try {
                    assertThat(commitFirst.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(firstInserted.await(30, TimeUnit.SECONDS)).isTrue();
            Future<?> second = pool.submit(() -> tx.executeWithoutResult(status ->
                    decision.onCustomerMessage(tenant, message(conversation, customer, "我要投诉"))));
            await("the second waits for the first's route", WAIT, () -> jdbc.queryForObject("""
                    select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%insert into route%'""",
                    Long.class) > 0);
            commitFirst.countDown();
            first.get(30, TimeUnit.SECONDS);
            second.get(30, TimeUnit.SECONDS);
        } finally {
            commitFirst.countDown();
            pool.shutdownNow();
        }
        assertThat(routeStatus(jdbc, conversation)).isEqualTo("waiting");
        assertThat(outbox(jdbc, "routing.conversation.queued.v1", conversation)).as("queued once").isEqualTo(1);
        assertThat(jdbc.queryForObject("select priority from route where conversation_id = ?", Integer.class, conversation))
                .as("the complaint raised the waiting route's priority").isEqualTo(5);
    }

    private static MessageReceived message(UUID conversation, UUID customer, String content) {
        return new MessageReceived(UUID.randomUUID(), conversation, customer, "miniapp", "text", content, Instant.now());
    }

    private Map<String, Object> received(UUID conversation, UUID customer, String messageId, String content) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("messageId", messageId);
        data.put("conversationId", conversation.toString());
        data.put("customerId", customer.toString());
        data.put("channel", "miniapp");
        data.put("type", "text");
        data.put("content", content);
        data.put("conversationStatus", "waiting");
        data.put("newConversation", false);
        data.put("createdAt", Instant.now().toString());
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", UUID.randomUUID().toString());
        envelope.put("type", "chat.message.received.v1");
        envelope.put("source", "chat-service");
        envelope.put("time", Instant.now().toString());
        envelope.put("tenantId", tenant.toString());
        envelope.put("subject", conversation.toString());
        envelope.put("priority", 5);
        envelope.put("data", data);
        return envelope;
    }

}
