package io.kefu.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may read figures, bad input answered with 4xx problems, and forged events dead-lettered with a reason. */
class StatsApiGuardsIT extends StatsItSupport {

    final UUID tenant = UUID.randomUUID();

    UUID knownTenant() {
        conversation(tenant, UUID.randomUUID(), "mp").opened(Instant.now());
        awaitStored(tenant, 1);
        return tenant;
    }

    @Test
    void supervisorsOfTheTenantAndTheSuperadminOnly() {
        UUID t = knownTenant();
        assertThat(get("/api/stats/overview", supervisor(t)).status()).isEqualTo(200);
        assertThat(get("/api/stats/overview", null).status()).isEqualTo(401);
        Response agent = get("/api/stats/overview", agent(t));
        assertThat(agent.status()).isEqualTo(403);
        assertThat(agent.body().path("code").asString()).isEqualTo("forbidden");
        Response other = get("/api/stats/overview?tenantId=" + t, supervisor(UUID.randomUUID()));
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.body().path("code").asString()).isEqualTo("tenant-not-found");
        assertThat(get("/api/stats/stream?tenantId=" + t, supervisor(UUID.randomUUID())).status()).isEqualTo(404);
        assertThat(get("/api/stats/overview?tenantId=" + t, superadmin()).status()).isEqualTo(200);
        assertThat(get("/api/stats/overview", superadmin()).body().path("code").asString()).isEqualTo("tenant-required");
        assertThat(get("/api/stats/overview?tenantId=" + UUID.randomUUID(), superadmin()).status()).isEqualTo(404);
        assertThat(get("/api/stats/overview?tenantId=not-a-uuid%00", superadmin()).status()).isBetween(400, 404);
    }

    @Test
    void badInputIsAProblemNeverA500() {
        String token = supervisor(knownTenant());
        Map<String, String> cases = Map.ofEntries(
                Map.entry("/api/stats/overview?from=2026-11-20&to=2026-11-01", "invalid-range"),
                Map.entry("/api/stats/overview?from=2024-01-01&to=2026-01-01", "invalid-range"),
                Map.entry("/api/stats/overview?from=yesterday", "invalid-range"),
                Map.entry("/api/stats/overview?from=0001-01-01", "invalid-range"),
                Map.entry("/api/stats/overview?to=2026-13-45", "invalid-range"),
                Map.entry("/api/stats/by/planet", "unknown-dimension"),
                Map.entry("/api/stats/by/all", "unknown-dimension"),
                Map.entry("/api/stats/trends?grain=minute", "validation-failed"),
                Map.entry("/api/stats/trends?grain=hour&from=2026-01-01&to=2026-03-01", "invalid-range"),
                Map.entry("/api/stats/drilldown?metric=frt&pageSize=1000000", "invalid-page"),
                Map.entry("/api/stats/drilldown?metric=frt&pageSize=0", "invalid-page"),
                Map.entry("/api/stats/drilldown?metric=frt&page=-1", "invalid-page"),
                Map.entry("/api/stats/drilldown?metric=frt&page=99999999999999", "invalid-page"),
                Map.entry("/api/stats/drilldown?metric=nope", "unknown-metric"),
                // common refuses a NUL in any query parameter before the controller sees it
                Map.entry("/api/stats/drilldown?metric=frt%00", "validation-failed"),
                Map.entry("/api/stats/drilldown?metric=frt&dimension=planet", "unknown-dimension"),
                Map.entry("/api/stats/drilldown?metric=frt&dimension=agent&value=a%00b", "validation-failed"),
                Map.entry("/api/stats/drilldown?metric=frt&dimension=agent&value=" + "x".repeat(300), "validation-failed"),
                Map.entry("/api/stats/drilldown/export?metric=nope", "unknown-metric"));
        cases.forEach((path, code) -> {
            Response r = get(path, token);
            assertThat(r.status()).as(path + " " + r.text()).isBetween(400, 499);
            assertThat(r.body().path("code").asString()).as(path).isEqualTo(code);
        });
        assertThat(get("/api/stats/drilldown", token).status()).isEqualTo(400);
    }

    @Test
    void forgedEventsAreDeadLetteredWithAReasonAndIngestionGoesOn() {
        UUID t = knownTenant();
        UUID conversation = UUID.randomUUID();
        // a known type without its conversation
        String forged = publish(rabbit, "chat.conversation.opened.v1", t, conversation, Map.of("customerId", UUID.randomUUID().toString(),
                "channel", "mp", "startedAt", Instant.now().toString()));
        // not an event at all
        MessageProperties props = new MessageProperties();
        props.setContentType("application/json");
        props.setMessageId("garbage-" + UUID.randomUUID());
        rabbit.send("kefu.chat", "conversation.opened.v1", new Message("{\"hello\":".getBytes(), props));
        // an unknown type published under its own routing key is not bound: it never reaches stats
        String unknown = publish(rabbit, "chat.conversation.teleported.v1", t, conversation, Map.of("conversationId", conversation.toString()));
        // smuggled under a bound routing key it is forged: dead-lettered, not ignored
        rabbit.send("kefu.chat", "conversation.opened.v1", new Message(("{\"id\":\"" + unknown + "-x\",\"type\":\"chat.conversation.teleported.v1\","
                + "\"source\":\"x\",\"time\":\"" + Instant.now() + "\",\"tenantId\":\"" + t + "\",\"priority\":5,\"data\":{}}").getBytes(), props));

        boolean sawForged = false;
        boolean sawGarbage = false;
        boolean sawSmuggled = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((!sawForged || !sawGarbage || !sawSmuggled) && System.nanoTime() < deadline) {
            Message dead = rabbit.receive("kefu.chat.stats.dlq", 1000);
            if (dead == null) {
                continue;
            }
            String body = new String(dead.getBody());
            // the stack trace header carries the reason too (x-exception-message: common's DeadLetterReasons)
            String reason = String.valueOf(dead.getMessageProperties().getHeaders().get("x-exception-stacktrace"));
            if (body.contains(forged)) {
                sawForged = true;
                assertThat(reason).contains("lacks conversationId");
            } else if (body.startsWith("{\"hello\":")) {
                sawGarbage = true;
                assertThat(reason).contains("not a Kefu event envelope");
            } else if (body.contains(unknown + "-x")) {
                sawSmuggled = true;
                // the consumer's own reason, after a single attempt
                assertThat(String.valueOf(dead.getMessageProperties().getHeaders().get("x-exception-message")))
                        .contains("chat.conversation.teleported.v1 arrived under routing key conversation.opened.v1").contains("(1 attempt)");
            }
        }
        assertThat(sawSmuggled).as("smuggled type dead-lettered").isTrue();
        assertThat(sawForged).as("forged event dead-lettered").isTrue();
        assertThat(sawGarbage).as("garbage dead-lettered").isTrue();

        // and the consumer still works
        UUID later = UUID.randomUUID();
        new Conv(rabbit, t, later, UUID.randomUUID(), "wecom").opened(Instant.now());
        await("a valid event after the forged ones is ingested", Duration.ofSeconds(30),
                () -> jdbc.queryForObject("select count(*) from conversation where conversation_id = ?", Long.class, later) == 1);
        assertThat(jdbc.queryForObject("select count(*) from stored_event where type = 'chat.conversation.teleported.v1'", Long.class)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from conversation where conversation_id = ?", Long.class, conversation)).isZero();
    }

    @Test
    void realtimeCountsWhoWaitsNowAndAgentsByStatus() {
        UUID t = UUID.randomUUID();
        UUID staff = UUID.randomUUID();
        Conv waiting = conversation(t, UUID.randomUUID(), "mp").opened(Instant.now().minusSeconds(90)).queued(Instant.now().minusSeconds(90));
        agentStatus(rabbit, t, staff, "王客服", "online", 1, Instant.now());
        awaitStored(t, 3);
        await("one waiting", Duration.ofSeconds(10), () -> get("/api/stats/realtime", supervisor(t)).body().path("gauges").path("waitingNow").asLong() == 1);
        Response rt = get("/api/stats/realtime", supervisor(t));
        assertThat(rt.body().path("gauges").path("online").asLong()).isEqualTo(1);
        assertThat(rt.body().path("gauges").path("longestWaitSeconds").asLong()).isGreaterThanOrEqualTo(89);
        assertThat(rt.body().path("agentLoad").asDouble()).isEqualTo(0.2);
        waiting.assigned(staff, Instant.now());
        await("nobody waits once assigned", Duration.ofSeconds(10),
                () -> get("/api/stats/realtime", supervisor(t)).body().path("gauges").path("waitingNow").asLong() == 0);
        Response agents = get("/api/stats/drilldown?metric=agents", supervisor(t));
        assertThat(agents.body().path("items").get(0).path("name").asString()).isEqualTo("王客服");
    }
}
