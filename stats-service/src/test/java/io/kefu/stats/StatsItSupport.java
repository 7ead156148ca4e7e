package io.kefu.stats;

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

import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.TestEvents;
import io.kefu.testsupport.TestTokens;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one set-up of stats' integration tests (one Spring context for all of them): real PostgreSQL,
 * Redis and RabbitMQ, tokens from the test issuer, events published to the producers' exchanges
 * exactly as the producers publish them.
 */
@KefuIntegrationTest(classes = StatsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"kefu.jobs.local.stats-daily-close.cron=", "kefu.jobs.local.stats-retention-cleanup.cron=", "kefu.jobs.local.stats-alerts.cron=",
                "kefu.jobs.local.stats-daily-report.cron=", "kefu.jobs.local.remote-call-sweep.cron="})
@org.springframework.context.annotation.Import(io.kefu.statstest.StandInLogin.class)
public abstract class StatsItSupport {

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

    protected int port() {
        return Integer.parseInt(environment.getProperty("local.server.port"));
    }

    public static String supervisor(UUID tenant) {
        return TestTokens.token(UUID.randomUUID().toString(), tenant.toString(), "staff", List.of("supervisor", "agent"));
    }

    public static String agent(UUID tenant) {
        return TestTokens.token(UUID.randomUUID().toString(), tenant.toString(), "staff", List.of("agent"));
    }

    public static String superadmin() {
        return TestTokens.token(UUID.randomUUID().toString(), null, "superadmin", List.of("superadmin"));
    }

    /**
     * Runs {@code publishing} with every send of {@link #rabbit} on one channel, for events whose order in a queue a test
     * relies on (a re-opening after its end, a marker after a duplicate). RabbitMQ keeps the order of one channel's
     * messages only: consecutive sends otherwise go over the template's cached channels (one waiting for its publisher
     * confirms is not reused) and overtake each other in the queue. The producers' outbox relay sends each round on one
     * channel for the same reason.
     */
    protected void inOrder(Runnable publishing) {
        rabbit.invoke(oneChannel -> {
            publishing.run();
            return null;
        });
    }

    public static String publish(RabbitTemplate rabbit, String type, UUID tenant, Object subject, Map<String, ?> data) {
        return TestEvents.publish(rabbit, type, tenant, String.valueOf(subject), 5, data);
    }

    /** A conversation's life as chat and routing tell it. */
    public record Conv(RabbitTemplate rabbit, UUID tenant, UUID id, UUID customer, String channel) {

        public Conv opened(Instant at) {
            publish(rabbit, "chat.conversation.opened.v1", tenant, id, Map.of("conversationId", id.toString(), "customerId", customer.toString(),
                    "channel", channel, "source", "test", "startedAt", at.toString()));
            return this;
        }

        public Conv aiRequested(Instant at) {
            publish(rabbit, "routing.ai.requested.v1", tenant, id, Map.of("conversationId", id.toString(), "customerId", customer.toString(),
                    "messageId", UUID.randomUUID().toString(), "content", "营业时间？", "requestedAt", at.toString()));
            return this;
        }

        public Conv queued(Instant at) {
            publish(rabbit, "routing.conversation.queued.v1", tenant, id, Map.of("conversationId", id.toString(), "customerId", customer.toString(),
                    "groupName", "default", "priority", 0, "position", 1, "estimatedWaitSeconds", 60, "reason", "human_first",
                    "enqueuedAt", at.toString()));
            return this;
        }

        public Conv assigned(UUID agent, Instant at) {
            publish(rabbit, "routing.conversation.assigned.v1", tenant, id, Map.of("conversationId", id.toString(), "customerId", customer.toString(),
                    "agentId", agent.toString(), "groupName", "default", "waitedSeconds", 0, "assignedAt", at.toString()));
            return this;
        }

        public Conv replied(String senderType, UUID sender, Instant at) {
            publish(rabbit, "chat.message.sent.v1", tenant, id, Map.of("messageId", UUID.randomUUID().toString(), "conversationId", id.toString(),
                    "customerId", customer.toString(), "senderId", sender.toString(), "senderType", senderType, "channel", channel, "type", "text",
                    "content", "您好", "createdAt", at.toString()));
            return this;
        }

        public Conv ended(UUID agent, Instant started, Instant at) {
            publish(rabbit, "chat.conversation.ended.v1", tenant, id, agent == null
                    ? Map.of("conversationId", id.toString(), "customerId", customer.toString(), "status", "closed", "endedReason", "user_ended",
                            "endedType", "user", "startedAt", started.toString(), "endedAt", at.toString())
                    : Map.of("conversationId", id.toString(), "customerId", customer.toString(), "agentId", agent.toString(), "status", "closed",
                            "endedReason", "resolved", "endedType", "staff", "startedAt", started.toString(), "endedAt", at.toString()));
            return this;
        }

        public Conv rated(UUID agent, int rating, Instant at) {
            publish(rabbit, "chat.conversation.rated.v1", tenant, id, Map.of("conversationId", id.toString(), "customerId", customer.toString(),
                    "agentId", agent.toString(), "rating", rating, "ratedAt", at.toString()));
            return this;
        }
    }

    public Conv conversation(UUID tenant, UUID customer, String channel) {
        return new Conv(rabbit, tenant, UUID.randomUUID(), customer, channel);
    }

    public static void agentStatus(RabbitTemplate rabbit, UUID tenant, UUID staff, String name, String status, int load, Instant at) {
        publish(rabbit, "routing.agent.status.v1", tenant, staff, Map.of("staffId", staff.toString(), "name", name, "groupName", "default",
                "status", status, "previousStatus", "offline", "currentLoad", load, "maxConcurrentChats", 5, "cause", "agent",
                "changedAt", at.toString()));
    }

    public record Response(int status, JsonNode body, String text) {
    }

    public Response get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
            } catch (RuntimeException e) {
                body = JSON.nullNode();
            }
            return new Response(response.statusCode(), body, response.body());
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

    /** Publishes again, to its producer's exchange, the envelope stats stored under {@code id} (a duplicate delivery). */
    protected void redeliver(UUID tenant, String id) {
        await("event " + id + " stored", Duration.ofSeconds(30),
                () -> jdbc.queryForObject("select count(*) from stored_event where event_id = ?", Long.class, id) == 1);
        Map<String, Object> row = jdbc.queryForMap("select type, data::text as data, occurred_at from stored_event where event_id = ?", id);
        String type = (String) row.get("type");
        String envelope = "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"source\":\"test\",\"time\":\""
                + ((java.sql.Timestamp) row.get("occurred_at")).toInstant() + "\",\"tenantId\":\"" + tenant + "\",\"subject\":\"x\",\"priority\":5,"
                + "\"data\":" + row.get("data") + "}";
        var props = new org.springframework.amqp.core.MessageProperties();
        props.setContentType("application/json");
        int dot = type.indexOf('.');
        rabbit.send("kefu." + type.substring(0, dot), type.substring(dot + 1), new org.springframework.amqp.core.Message(envelope.getBytes(), props));
    }

    /** Waits until stats has stored {@code count} events of the tenant (all published ones consumed). */
    protected void awaitStored(UUID tenant, long count) {
        await(count + " events of " + tenant + " stored", Duration.ofSeconds(30),
                () -> jdbc.queryForObject("select count(*) from stored_event where tenant_id = ?", Long.class, tenant) >= count);
    }
}
