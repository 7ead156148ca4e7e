package io.kefu.routing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.kefu.testsupport.TestEvents;
import io.kefu.testsupport.TestTokens;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * For routing's integration tests: tokens from the test issuer, HTTP calls, and events published to
 * the real exchanges exactly as chat-service and auth-service publish them (envelope, routing key).
 */
public abstract class RoutingItSupport {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Autowired
    protected RabbitTemplate rabbit;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected Environment environment;

    @DynamicPropertySource
    static void testIssuer(DynamicPropertyRegistry registry) {
        registry.add("kefu.security.jwk-set-uri", TestTokens::jwkSetUri);
    }

    public static String staffToken(UUID staffId, UUID tenantId, String... roles) {
        return TestTokens.token(staffId.toString(), tenantId.toString(), "staff", List.of(roles));
    }

    public static void publish(RabbitTemplate rabbit, String type, UUID tenantId, UUID subject, int priority, Map<String, ?> data) {
        TestEvents.publish(rabbit, type, tenantId, subject.toString(), priority, data);
    }

    public static void staffCreated(RabbitTemplate rabbit, UUID staffId, UUID tenantId, String name, String department, int max) {
        publish(rabbit, "auth.staff.created.v1", tenantId, staffId, 4, Map.of("staffId", staffId.toString(), "tenantId", tenantId.toString(),
                "name", name, "roles", List.of("agent"), "department", department, "maxConcurrentChats", max, "active", true,
                "occurredAt", Instant.now().toString()));
    }

    /** A staff member with a WeCom userid, as auth publishes them. */
    public static void staffCreated(RabbitTemplate rabbit, UUID staffId, UUID tenantId, String name, String department, int max,
            String wecomUserId) {
        publish(rabbit, "auth.staff.created.v1", tenantId, staffId, 4, Map.of("staffId", staffId.toString(), "tenantId", tenantId.toString(),
                "name", name, "roles", List.of("agent"), "department", department, "maxConcurrentChats", max, "active", true,
                "wecomUserId", wecomUserId, "occurredAt", Instant.now().toString()));
    }

    /** An employee wrote to the tenant's WeCom app, as chat publishes it; returns the message's id. */
    public static String wecomStaffWrote(RabbitTemplate rabbit, UUID tenantId, String corpId, String userId, String content) {
        String msgId = "wecom:" + corpId + ":1000002:" + UUID.randomUUID();
        publish(rabbit, "chat.wecom.staff-message.v1", tenantId, UUID.randomUUID(), 6, Map.of("corpId", corpId, "agentId", 1000002,
                "staffUserId", userId, "msgType", "text", "content", content, "msgId", msgId, "receivedAt", Instant.now().toString()));
        return msgId;
    }

    public static void customerWrote(RabbitTemplate rabbit, UUID tenantId, UUID conversationId, UUID customerId, String content) {
        publish(rabbit, "chat.message.received.v1", tenantId, conversationId, 5, Map.of("messageId", UUID.randomUUID().toString(),
                "conversationId", conversationId.toString(), "customerId", customerId.toString(), "channel", "miniapp", "type", "text",
                "content", content, "conversationStatus", "waiting", "newConversation", true, "createdAt", Instant.now().toString()));
    }

    public static void agentReplied(RabbitTemplate rabbit, UUID tenantId, UUID conversationId, UUID agentId) {
        publish(rabbit, "chat.message.sent.v1", tenantId, conversationId, 5, Map.of("messageId", UUID.randomUUID().toString(),
                "conversationId", conversationId.toString(), "customerId", UUID.randomUUID().toString(), "senderId", agentId.toString(),
                "senderType", "staff", "channel", "miniapp", "type", "text", "content", "好的", "createdAt", Instant.now().toString()));
    }

    public static void conversationEnded(RabbitTemplate rabbit, UUID tenantId, UUID conversationId) {
        publish(rabbit, "chat.conversation.ended.v1", tenantId, conversationId, 3, Map.of("conversationId", conversationId.toString(),
                "customerId", UUID.randomUUID().toString(), "status", "closed", "endedReason", "resolved", "endedType", "staff",
                "startedAt", Instant.now().toString(), "endedAt", Instant.now().toString()));
    }

    public record Response(int status, JsonNode body) {
    }

    public static Response call(int port, String method, String path, @Nullable Object body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public static long outbox(JdbcTemplate jdbc, String type, UUID subject) {
        return jdbc.queryForObject("select count(*) from kefu_outbox where event_type = ? and envelope->>'subject' = ?", Long.class, type,
                subject.toString());
    }

    public static @Nullable String routeStatus(JdbcTemplate jdbc, UUID conversationId) {
        return jdbc.query("select status from route where conversation_id = ?", (rs, i) -> rs.getString(1), conversationId).stream()
                .findFirst().orElse(null);
    }
}
