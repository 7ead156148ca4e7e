package io.kefu.chat.realtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jwt.SignedJWT;
import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.chat.conversation.ConversationAssignment;
import io.kefu.common.security.KefuJwtValidators;
import io.kefu.testsupport.KefuApps;
import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.StompTestClient;
import io.kefu.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real STOMP clients on the plain WebSocket endpoint: sends, acks, receipts with timestamps, typing,
 * refused frames and tokens (also expired or revoked mid-session), the per-sender limit as an error frame, and delivery across two instances.
 */
class StompDeliveryIT extends ChatItSupport {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final Map<String, String> SLOW_TOKEN_CHECK = Map.of("kefu.chat.realtime.token-check", "60s");
    /** How long after its expiry every service still takes a token (KefuJwtValidators). */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ConversationAssignment conversations;
    @Autowired
    RedissonClient redisson;

    String ws() {
        return "ws://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + "/ws";
    }

    /** routing's job, done directly: the conversation gets its agent. */
    void assign(UUID conversationId, Person agent) {
        conversations.assign(conversationId, agent.id());
    }

    @Test
    void aSentFrameIsHandledInASpanWhoseTraceItsEventCarriesContinuingTheClientsTraceparent() throws Exception {
        UUID tenant = UUID.randomUUID();
        Person customer = customer(tenant);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        try (StompTestClient c = StompTestClient.connect(ws(), customer.token())) {
            c.subscribe("/user/queue/acks").ready();
            c.send("/app/chat.send", Map.of("content", "有人吗", "clientMsgId", "t1"),
                    Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
            String withTrace = c.await("/user/queue/acks", WAIT, f -> "t1".equals(f.path("clientMsgId").asString())).path("conversationId").asString();
            c.send("/app/chat.send", Map.of("conversationId", withTrace, "content", "在吗", "clientMsgId", "t2"));
            c.await("/user/queue/acks", WAIT, f -> "t2".equals(f.path("clientMsgId").asString()));

            List<String> traceparents = jdbc.queryForList("select envelope->>'traceparent' from kefu_outbox"
                    + " where event_type = 'chat.message.received.v1' and envelope->>'subject' = ? order by created_at", String.class, withTrace);
            assertThat(traceparents).hasSize(2);
            assertThat(traceparents.get(0)).as("the client's trace, continued").startsWith("00-" + traceId + "-")
                    .doesNotEndWith("-00f067aa0ba902b7-01");
            assertThat(traceparents.get(1)).as("a frame without a traceparent starts its own trace").isNotNull()
                    .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]").doesNotContain(traceId);
            await("the customer announced online", () -> PresenceOutbox.count(jdbc, customer.id(), true) == 1);
            List<String> presence = jdbc.queryForList("select envelope->>'traceparent' from kefu_outbox"
                    + " where event_type = 'chat.presence.changed.v1' and envelope->>'subject' = ?", String.class, customer.id().toString());
            assertThat(presence).as("the connection's presence event carries the trace of its CONNECT").hasSize(1)
                    .allSatisfy(t -> assertThat(t).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"));
        }
    }

    @Test
    void aCustomersMessageIsAcknowledgedDeliveredAndReadWithAllThreeTimestamps() throws Exception {
        UUID tenant = UUID.randomUUID();
        Person customer = customer(tenant);
        Person agent = agent(tenant);
        try (StompTestClient c = StompTestClient.connect(ws(), customer.token());
                StompTestClient a = StompTestClient.connect(ws(), agent.token())) {
            c.subscribe("/user/queue/acks").subscribe("/user/queue/messages").subscribe("/user/queue/receipts").subscribe("/user/queue/typing")
                    .subscribe("/user/queue/conversations").ready();
            a.subscribe("/user/queue/messages").subscribe("/user/queue/receipts").subscribe("/user/queue/typing").ready();

            c.send("/app/chat.send", Map.of("content", "你好，在吗", "clientMsgId", "c1"));
            JsonNode ack = c.await("/user/queue/acks", WAIT, f -> "c1".equals(f.path("clientMsgId").asString()));
            assertThat(ack.path("status").asString()).isEqualTo("sent");
            UUID conversationId = UUID.fromString(ack.path("conversationId").asString());
            String first = ack.path("messageId").asString();
            assign(conversationId, agent);
            c.await("/user/queue/conversations", WAIT, f -> agent.id().toString().equals(f.path("agentId").asString()));

            c.send("/app/chat.send", Map.of("conversationId", conversationId, "content", "订单 1234 没到", "clientMsgId", "c2"));
            JsonNode atAgent = a.await("/user/queue/messages", WAIT, f -> "订单 1234 没到".equals(f.path("content").asString()));
            String second = atAgent.path("id").asString();

            a.send("/app/chat.delivered", Map.of("messageIds", List.of(first, second)));
            c.await("/user/queue/receipts", WAIT, f -> f.isArray() && "delivered".equals(f.get(0).path("status").asString()));
            a.send("/app/chat.read", Map.of("messageIds", List.of(first, second)));
            JsonNode read = c.await("/user/queue/receipts", WAIT, f -> f.isArray() && "read".equals(f.get(0).path("status").asString()));
            assertThat(read.get(0).path("deliveredAt").isNull()).isFalse();
            Map<String, Object> row = jdbc.queryForMap("select status, sent_at, delivered_at, read_at from message where id = ?::uuid", second);
            assertThat(row.get("status")).isEqualTo("read");
            assertThat(row.get("sent_at")).isNotNull();
            assertThat(row.get("delivered_at")).isNotNull();
            assertThat(row.get("read_at")).isNotNull();

            // The agent answers; typing is relayed and never stored.
            a.send("/app/chat.typing", Map.of("conversationId", conversationId, "isTyping", true));
            JsonNode typing = c.await("/user/queue/typing", WAIT, f -> f.path("isTyping").asBoolean());
            assertThat(typing.path("senderType").asString()).isEqualTo("staff");
            a.send("/app/chat.send", Map.of("conversationId", conversationId, "content", "马上帮您查"));
            JsonNode reply = c.await("/user/queue/messages", WAIT, f -> "马上帮您查".equals(f.path("content").asString()));
            c.send("/app/chat.read", Map.of("messageIds", List.of(reply.path("id").asString())));
            a.await("/user/queue/receipts", WAIT, f -> f.isArray() && "read".equals(f.get(0).path("status").asString()));
            assertThat(jdbc.queryForObject("select count(*) from message where conversation_id = ?", Long.class, conversationId)).isEqualTo(3);
        }
    }

    @Test
    void everyTabOfAUserGetsTheirMessagesAndOnlyTheSendingTabTheAnswerToItsFrame() throws Exception {
        UUID tenant = UUID.randomUUID();
        Person customer = customer(tenant);
        Person agent = agent(tenant);
        // Two tabs of one customer. With Spring 7's ordered delivery handing one message to both, the second got nothing.
        try (StompTestClient first = StompTestClient.connect(ws(), customer.token());
                StompTestClient second = StompTestClient.connect(ws(), customer.token());
                StompTestClient a = StompTestClient.connect(ws(), agent.token())) {
            first.subscribe("/user/queue/acks").subscribe("/user/queue/errors").subscribe("/user/queue/messages")
                    .subscribe("/user/queue/conversations").ready();
            second.subscribe("/user/queue/acks").subscribe("/user/queue/errors").subscribe("/user/queue/messages").ready();
            a.ready();

            first.send("/app/chat.send", Map.of("content", "两个窗口", "clientMsgId", "tab1"));
            UUID conversationId = UUID.fromString(first.await("/user/queue/acks", WAIT, f -> "tab1".equals(f.path("clientMsgId").asString()))
                    .path("conversationId").asString());
            assign(conversationId, agent);
            first.await("/user/queue/conversations", WAIT, f -> agent.id().toString().equals(f.path("agentId").asString()));
            a.send("/app/chat.send", Map.of("conversationId", conversationId, "content", "两边都看得到"));
            first.await("/user/queue/messages", WAIT, f -> "两边都看得到".equals(f.path("content").asString()));
            second.await("/user/queue/messages", WAIT, f -> "两边都看得到".equals(f.path("content").asString()));

            first.send("/app/chat.read", Map.of("messageIds", List.of()));
            first.await("/user/queue/errors", WAIT, f -> "/app/chat.read".equals(f.path("destination").asString()));
            // A session's frames arrive in the order they were sent to it: an ack or error sent to the second tab with
            // the first's would be there before the answer to this ping.
            second.ready();
            assertThat(second.drain("/user/queue/acks")).as("the first tab's ack").isEmpty();
            assertThat(second.drain("/user/queue/errors")).as("the first tab's error").isEmpty();
        }
    }

    @Test
    void connectionsWithoutAValidTokenAreRefused() {
        assertThatThrownBy(() -> StompTestClient.connect(ws(), null).close()).isInstanceOf(Exception.class);
        assertThatThrownBy(() -> StompTestClient.connect(ws(), "not-a-jwt").close()).isInstanceOf(Exception.class);
    }

    @Test
    void aFrameAfterTheTokenExpiredIsRefusedNotStoredAndEndsTheSession() throws Exception {
        // The check of idle sessions (fast in this run) would end the session before the frame is sent.
        withLiveSettings(SLOW_TOKEN_CHECK, () -> {
            UUID tenant = UUID.randomUUID();
            UUID customerId = UUID.randomUUID();
            // Expired 20 s ago: still accepted for the 30 s of clock skew every service allows, then refused.
            Instant expiry = Instant.now().minusSeconds(20);
            String expiring = TestTokens.token(customerId.toString(), tenant.toString(), "customer", List.of("customer"), expiry.minusSeconds(40),
                    expiry);
            try (StompTestClient c = StompTestClient.connect(ws(), expiring)) {
                c.subscribe("/user/queue/acks").ready();
                c.send("/app/chat.send", Map.of("content", "还来得及", "clientMsgId", "in-time"));
                c.await("/user/queue/acks", WAIT, f -> "in-time".equals(f.path("clientMsgId").asString()));
                while (!Instant.now().isAfter(expiry.plus(CLOCK_SKEW).plusMillis(200))) {
                    Thread.sleep(50); // until no service would take the token any more
                }

                c.send("/app/chat.send", Map.of("content", "太晚了", "clientMsgId", "too-late"));
                assertThat(c.nextError(WAIT)).contains("expired");
                awaitClosed(c);
            }
            assertThat(jdbc.queryForList("select content from message where sender_id = ?", String.class, customerId)).containsExactly("还来得及");
        });
    }

    @Test
    void aFrameAfterTheTokenWasRevokedIsRefusedNotStoredAndEndsTheSession() throws Exception {
        // The check of idle sessions (fast in this run) would end the session before the frame is sent.
        withLiveSettings(SLOW_TOKEN_CHECK, () -> {
            Person customer = customer(UUID.randomUUID());
            String revoked = KefuJwtValidators.REVOKED_JTI_PREFIX + SignedJWT.parse(customer.token()).getJWTClaimsSet().getJWTID();
            try (StompTestClient c = StompTestClient.connect(ws(), customer.token())) {
                c.subscribe("/user/queue/acks").ready();
                c.send("/app/chat.send", Map.of("content", "登录中", "clientMsgId", "before"));
                c.await("/user/queue/acks", WAIT, f -> "before".equals(f.path("clientMsgId").asString()));
                redisson.getBucket(revoked, StringCodec.INSTANCE).set("1", Duration.ofMinutes(5)); // what auth-service's logout does

                c.send("/app/chat.send", Map.of("content", "已退出", "clientMsgId", "after"));
                assertThat(c.nextError(WAIT)).contains("revoked");
                awaitClosed(c);
            } finally {
                redisson.getBucket(revoked, StringCodec.INSTANCE).delete();
            }
            assertThat(jdbc.queryForList("select content from message where sender_id = ?", String.class, customer.id())).containsExactly("登录中");
        });
    }

    private static void awaitClosed(StompTestClient c) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (c.connected() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(c.connected()).as("the server closed the session").isFalse();
    }

    @Test
    void framesToDestinationsTheUserMayNotUseAreRefusedAndTakeNoEffect() throws Exception {
        UUID tenant = UUID.randomUUID();
        Person customer = customer(tenant);
        try (StompTestClient c = StompTestClient.connect(ws(), customer.token())) {
            c.subscribe("/topic/staff." + tenant + ".status");
            assertThat(c.nextError(WAIT)).contains("forbidden");
        }
        try (StompTestClient c = StompTestClient.connect(ws(), customer.token())) {
            c.send("/app/chat.evil", Map.of("content", "x"));
            assertThat(c.nextError(WAIT)).contains("forbidden");
        }
        try (StompTestClient c = StompTestClient.connect(ws(), customer.token())) {
            c.send("/topic/staff." + tenant + ".status", Map.of("status", "online"));
            assertThat(c.nextError(WAIT)).contains("forbidden");
        }
        Person staff = agent(tenant);
        try (StompTestClient a = StompTestClient.connect(ws(), staff.token())) {
            a.subscribe("/topic/staff." + UUID.randomUUID() + ".status");
            assertThat(a.nextError(WAIT)).as("another tenant's staff topic").contains("forbidden");
        }
        assertThat(jdbc.queryForObject("select count(*) from message where sender_id = ?", Long.class, customer.id())).isZero();
    }

    /**
     * The ERROR frame of a refusal is written while other frames to the same client are still being written
     * on other threads (here: pongs). Spring's send buffer dropped it when the close came while another thread
     * was writing, and the client saw only the socket close; now every refused client is told why first.
     */
    @Test
    void aRefusedClientIsToldWhyEvenWhileOtherFramesToItAreBeingWritten() throws Exception {
        UUID tenant = UUID.randomUUID();
        String nonce = "n".repeat(6_000); // under the test client's 8 KB message buffer
        int clients = 60;
        List<Person> customers = java.util.stream.IntStream.range(0, clients).mapToObj(i -> customer(tenant)).toList();
        List<String> answers = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (var sessions = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Person customer : customers) {
                sessions.submit(() -> {
                    try (StompTestClient c = StompTestClient.connect(ws(), customer.token())) {
                        c.subscribe("/user/queue/pong", f -> { });
                        for (int i = 0; i < 8; i++) {
                            c.send("/app/chat.ping", Map.of("nonce", nonce));
                        }
                        c.subscribe("/topic/staff." + tenant + ".status", f -> { });
                        answers.add(String.valueOf(c.nextError(WAIT)));
                    }
                    return null;
                });
            }
        }
        assertThat(answers).hasSize(clients).allSatisfy(a -> assertThat(a).as("the first thing the client learns").contains("forbidden"));
    }

    @Test
    void beyondTheSendingLimitTheSenderGetsAnErrorFrameAndKeepsEverythingAccepted() throws Exception {
        withLiveSettings(Map.of("kefu.chat.conversation.send-rate-permits", "5", "kefu.chat.conversation.send-rate-period", "60s"),
                this::sendBeyondTheLimit);
    }

    private void sendBeyondTheLimit() throws Exception {
        Person customer = customer(UUID.randomUUID());
        try (StompTestClient c = StompTestClient.connect(ws(), customer.token())) {
            c.subscribe("/user/queue/acks").subscribe("/user/queue/errors").ready();
            for (int i = 0; i < 7; i++) {
                c.send("/app/chat.send", Map.of("content", "msg " + i, "clientMsgId", "m" + i));
            }
            JsonNode error = c.await("/user/queue/errors", WAIT, f -> "rate-limited".equals(f.path("code").asString()));
            assertThat(error.path("status").asInt()).isEqualTo(429);
            assertThat(error.path("clientMsgId").asString()).startsWith("m");
            c.await("/user/queue/errors", WAIT, f -> "rate-limited".equals(f.path("code").asString()));
            for (int i = 0; i < 5; i++) {
                c.await("/user/queue/acks", WAIT, f -> true);
            }
            assertThat(c.connected()).isTrue();
        }
        assertThat(jdbc.queryForObject("select count(*) from message where sender_id = ?", Long.class, customer.id())).isEqualTo(5);
    }

    @Test
    void aMessageReachesAUserConnectedToAnotherInstanceAndPresenceIsPublished() throws Exception {
        String otherWs = "ws://127.0.0.1:" + KefuApps.port(secondInstance()) + "/ws";
        UUID tenant = UUID.randomUUID();
        Person customer = customer(tenant);
        Person agent = agent(tenant);
        try (StompTestClient c = StompTestClient.connect(ws(), customer.token());
                StompTestClient a = StompTestClient.connect(otherWs, agent.token())) {
            c.subscribe("/user/queue/acks").subscribe("/user/queue/messages").ready();
            a.subscribe("/user/queue/messages").ready();

            c.send("/app/chat.send", Map.of("content", "first", "clientMsgId", "x1"));
            UUID conversationId = UUID.fromString(c.await("/user/queue/acks", WAIT, f -> true).path("conversationId").asString());
            assign(conversationId, agent);
            c.send("/app/chat.send", Map.of("conversationId", conversationId, "content", "across instances"));
            a.await("/user/queue/messages", WAIT, f -> "across instances".equals(f.path("content").asString()));
            a.send("/app/chat.send", Map.of("conversationId", conversationId, "content", "and back"));
            c.await("/user/queue/messages", WAIT, f -> "and back".equals(f.path("content").asString()));
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (presence(agent.id(), false) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(presence(agent.id(), true)).isEqualTo(1);
        assertThat(presence(agent.id(), false)).isEqualTo(1);
    }

    private long presence(UUID userId, boolean online) {
        return PresenceOutbox.count(jdbc, userId, online);
    }
}
