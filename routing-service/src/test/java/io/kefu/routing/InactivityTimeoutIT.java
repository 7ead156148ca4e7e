package io.kefu.routing;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.kefu.testsupport.KefuIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduled tasks with short durations, on their local crons: a customer who stops answering is
 * warned, then the conversation closes with reason timeout; an agent whose WebSocket closed goes
 * offline after the grace period; nothing happens twice however often the jobs run.
 */
@KefuIntegrationTest(classes = RoutingApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kefu.routing.timeout.warn-after=2s", "kefu.routing.timeout.close-after=4s", "kefu.routing.timeout.presence-grace=2s",
        "kefu.routing.timeout.cleanup-after=1h",
        "kefu.jobs.local.routing-inactivity-warning.cron=* * * * * *", "kefu.jobs.local.routing-auto-close.cron=* * * * * *",
        "kefu.jobs.local.routing-presence-sweep.cron=* * * * * *", "kefu.jobs.local.routing-inactive-cleanup.cron=* * * * * *"})
class InactivityTimeoutIT extends RoutingItSupport {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aSilentCustomerIsWarnedOnceThenTheConversationClosesWithReasonTimeout() {
        UUID tenant = UUID.randomUUID();
        UUID agent = UUID.randomUUID();
        staffCreated(rabbit, agent, tenant, "agent", "default", 5);
        await("profile", WAIT, () -> jdbc.queryForObject("select count(*) from agent where staff_id = ?", Long.class, agent) == 1);
        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        call(port, "PUT", "/api/staff/status", Map.of("status", "online"), staffToken(agent, tenant, "agent"));
        UUID silent = UUID.randomUUID();
        UUID chatty = UUID.randomUUID();
        customerWrote(rabbit, tenant, silent, UUID.randomUUID(), "hi");
        customerWrote(rabbit, tenant, chatty, UUID.randomUUID(), "hi");
        await("assigned", WAIT, () -> "assigned".equals(routeStatus(jdbc, silent)) && "assigned".equals(routeStatus(jdbc, chatty)));

        agentReplied(rabbit, tenant, silent, agent);
        await("warned", WAIT, () -> outbox(jdbc, "routing.conversation.inactivity-warning.v1", silent) == 1);
        // The other customer keeps the conversation alive: it is never warned while the agent owes the reply.
        assertThat(outbox(jdbc, "routing.conversation.inactivity-warning.v1", chatty)).isZero();

        await("closed", WAIT, () -> "closed".equals(routeStatus(jdbc, silent)));
        String reason = jdbc.queryForObject("""
                select envelope->'data'->>'reason' from kefu_outbox
                where event_type = 'routing.conversation.close-requested.v1' and envelope->>'subject' = ?""", String.class, silent.toString());
        assertThat(reason).isEqualTo("timeout");
        assertThat(jdbc.queryForObject("select current_load from agent where staff_id = ?", Integer.class, agent)).isEqualTo(1);

        // More ticks change nothing.
        long before = jdbc.queryForObject("select count(*) from kefu_outbox where envelope->>'subject' = ?", Long.class, silent.toString());
        sleep(Duration.ofSeconds(3));
        assertThat(jdbc.queryForObject("select count(*) from kefu_outbox where envelope->>'subject' = ?", Long.class, silent.toString()))
                .isEqualTo(before);
        assertThat(outbox(jdbc, "routing.conversation.inactivity-warning.v1", silent)).isEqualTo(1);
        assertThat(routeStatus(jdbc, chatty)).isEqualTo("assigned");
    }

    @Test
    void anAgentWhoseLastConnectionClosedGoesOfflineAfterTheGracePeriodUnlessTheyReconnect() {
        UUID tenant = UUID.randomUUID();
        UUID leaving = UUID.randomUUID();
        UUID flaky = UUID.randomUUID();
        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        for (UUID agent : new UUID[] {leaving, flaky}) {
            staffCreated(rabbit, agent, tenant, "agent", "default", 5);
            await("profile", WAIT, () -> jdbc.queryForObject("select count(*) from agent where staff_id = ?", Long.class, agent) == 1);
            call(port, "PUT", "/api/staff/status", Map.of("status", "online"), staffToken(agent, tenant, "agent"));
        }

        presence(tenant, leaving, false);
        presence(tenant, flaky, false);
        presence(tenant, flaky, true);

        await("offline after grace", WAIT, () -> "offline".equals(status(leaving)));
        assertThat(jdbc.queryForObject("""
                select envelope->'data'->>'cause' from kefu_outbox where event_type = 'routing.agent.status.v1'
                  and envelope->>'subject' = ? and envelope->'data'->>'status' = 'offline'""", String.class, leaving.toString()))
                .isEqualTo("disconnected");
        sleep(Duration.ofSeconds(3));
        assertThat(status(flaky)).isEqualTo("online");
    }

    private void presence(UUID tenant, UUID staff, boolean online) {
        publish(rabbit, "chat.presence.changed.v1", tenant, staff, 4, Map.of("userId", staff.toString(), "userType", "staff",
                "tenantId", tenant.toString(), "online", online, "sessions", online ? 1 : 0, "changedAt", java.time.Instant.now().toString()));
        await("presence noted", WAIT, () -> jdbc.queryForObject("select disconnected_at is null from agent where staff_id = ?", Boolean.class,
                staff) == online);
    }

    private String status(UUID agent) {
        return jdbc.queryForObject("select status from agent where staff_id = ?", String.class, agent);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
