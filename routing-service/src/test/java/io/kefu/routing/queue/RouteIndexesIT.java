package io.kefu.routing.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kefu.routing.RoutingApplication;
import io.kefu.routing.RoutingItSupport;
import io.kefu.testsupport.KefuIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.support.TransactionTemplate;

import static io.kefu.routing.queue.Routes.ts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route table's indexes against its two kinds of work (issue 15): every message updates its route, which must stay an
 * update in place (HOT: no column it writes is in an index); the inactivity jobs read the open routes among many closed
 * ones through an index. Each test works in a transaction it rolls back.
 */
@KefuIntegrationTest(classes = RoutingApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kefu.jobs.local.routing-queue-sweep.cron=", "kefu.jobs.local.routing-inactivity-warning.cron=",
        "kefu.jobs.local.routing-auto-close.cron=", "kefu.jobs.local.routing-inactive-cleanup.cron=",
        "kefu.jobs.local.routing-presence-sweep.cron="})
class RouteIndexesIT extends RoutingItSupport {

    @Autowired
    Routes routes;
    @Autowired
    TransactionTemplate tx;

    @Test
    void aCustomersAndAnAgentsMessageUpdateTheirRouteInPlaceWithoutNewIndexEntries() {
        inRolledBackTransaction(() -> {
            UUID conversation = UUID.randomUUID();
            Instant now = Instant.now();
            routes.create(conversation, UUID.randomUUID(), UUID.randomUUID(), "miniapp", "waiting", "default", 0, now, now, now);

            routes.customerWrote(conversation, now.plusSeconds(1));
            routes.agentWrote(conversation, now.plusSeconds(2));

            // This transaction's own counts: known at once, unlike the cumulative statistics.
            assertThat(jdbc.queryForMap("""
                    select pg_stat_get_xact_tuples_updated('route'::regclass) as updated,
                           pg_stat_get_xact_tuples_hot_updated('route'::regclass) as hot"""))
                    .containsEntry("updated", 2L).containsEntry("hot", 2L);
        });
    }

    @Test
    void aCustomersMessageToAnOpenRouteIsNotedAndTheRouteReturnedByOneUpdateInPlaceAndAClosedOneIsLeftAlone() {
        inRolledBackTransaction(() -> {
            Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            UUID open = UUID.randomUUID();
            routes.create(open, UUID.randomUUID(), UUID.randomUUID(), "miniapp", "waiting", "default", 3, now, now, now);
            jdbc.update("update route set warned_at = ? where conversation_id = ?", ts(now), open);
            UUID closed = UUID.randomUUID();
            routes.create(closed, UUID.randomUUID(), UUID.randomUUID(), "miniapp", "closed", "default", 0, null, now, now);
            long updatedBefore = jdbc.queryForObject("select pg_stat_get_xact_tuples_updated('route'::regclass)", Long.class);
            long hotBefore = jdbc.queryForObject("select pg_stat_get_xact_tuples_hot_updated('route'::regclass)", Long.class);

            Route noted = routes.customerWroteIfOpen(open, now.plusSeconds(5)).orElseThrow();

            assertThat(noted.conversationId()).isEqualTo(open);
            assertThat(noted.status()).isEqualTo("waiting");
            assertThat(noted.priority()).isEqualTo(3);
            assertThat(noted.lastCustomerAt()).isEqualTo(now.plusSeconds(5));
            assertThat(noted.warnedAt()).as("a message clears the inactivity warning").isNull();
            assertThat(routes.customerWroteIfOpen(open, now.plusSeconds(1)).orElseThrow().lastCustomerAt())
                    .as("a message that arrives late never moves the time back").isEqualTo(now.plusSeconds(5));
            assertThat(routes.customerWroteIfOpen(closed, now.plusSeconds(5))).isEmpty();
            assertThat(routes.customerWroteIfOpen(UUID.randomUUID(), now.plusSeconds(5))).isEmpty();
            assertThat(routes.find(closed).orElseThrow().lastCustomerAt()).as("a closed route is left as it was").isEqualTo(now);
            assertThat(jdbc.queryForMap("""
                    select pg_stat_get_xact_tuples_updated('route'::regclass) - ? as updated,
                           pg_stat_get_xact_tuples_hot_updated('route'::regclass) - ? as hot""", updatedBefore, hotBefore))
                    .as("two updates of the open route, both in place; none of the closed one")
                    .containsEntry("updated", 2L).containsEntry("hot", 2L);
        });
    }

    @Test
    void theInactivityJobsFindTheirOpenRoutesThroughAnIndexAmongManyClosedOnes() {
        inRolledBackTransaction(() -> {
            UUID tenant = UUID.randomUUID();
            Instant now = Instant.now();
            Instant twoDaysAgo = now.minus(Duration.ofDays(2));
            jdbc.update("""
                    insert into route (conversation_id, tenant_id, customer_id, channel, status, last_customer_at, last_agent_at,
                                       created_at, updated_at)
                    select gen_random_uuid(), ?, gen_random_uuid(), 'miniapp', 'closed', ?, ?, ?, ?
                    from generate_series(1, 20000)""", tenant, ts(twoDaysAgo), ts(twoDaysAgo), ts(twoDaysAgo), ts(twoDaysAgo));
            // The agent answered an hour ago: quiet since then. The other customer wrote after the agent a minute ago.
            UUID quiet = open(tenant, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)));
            UUID lively = open(tenant, now.minus(Duration.ofMinutes(1)), now.minus(Duration.ofHours(1)));
            jdbc.execute("analyze route");

            Instant halfAnHourAgo = now.minus(Duration.ofMinutes(30));
            List<Route> quietOnes = routes.quietSince(halfAnHourAgo, false, 500);
            assertThat(quietOnes).extracting(Route::conversationId).contains(quiet).doesNotContain(lively);
            List<Route> staleOnes = routes.staleSince(halfAnHourAgo, 500);
            assertThat(staleOnes).extracting(Route::conversationId).contains(quiet).doesNotContain(lively);
            assertThat(quietOnes).extracting(Route::status).doesNotContain("closed");
            assertThat(staleOnes).extracting(Route::status).doesNotContain("closed");

            // The plans of the prepared statements once the driver and the server reuse them (generic: parameters unknown).
            assertThat(genericPlan(Routes.QUIET_SINCE, "false, now(), 500")).contains("route_open").doesNotContain("Seq Scan");
            assertThat(genericPlan(Routes.STALE_SINCE, "now(), 500")).contains("route_open").doesNotContain("Seq Scan");
        });
    }

    /** An assigned route that last heard from its customer at {@code customerAt} and from its agent at {@code agentAt}. */
    private UUID open(UUID tenant, Instant customerAt, Instant agentAt) {
        UUID conversation = UUID.randomUUID();
        Instant created = agentAt.minus(Duration.ofHours(2));
        jdbc.update("""
                insert into route (conversation_id, tenant_id, customer_id, channel, status, agent_id, assigned_at, last_customer_at,
                                   last_agent_at, created_at, updated_at)
                values (?, ?, ?, 'miniapp', 'assigned', ?, ?, ?, ?, ?, ?)""", conversation, tenant, UUID.randomUUID(), UUID.randomUUID(),
                ts(created), ts(customerAt), ts(agentAt), ts(created), ts(created));
        return conversation;
    }

    private String genericPlan(String sql, String arguments) {
        int n = 0;
        StringBuilder numbered = new StringBuilder();
        for (char c : sql.toCharArray()) {
            numbered.append(c == '?' ? "$" + ++n : String.valueOf(c));
        }
        jdbc.execute("set local plan_cache_mode = force_generic_plan");
        jdbc.execute("prepare job_query as " + numbered);
        try {
            return String.join("\n", jdbc.queryForList("explain execute job_query(" + arguments + ")", String.class));
        } finally {
            jdbc.execute("deallocate job_query");
        }
    }

    private void inRolledBackTransaction(Runnable work) {
        tx.executeWithoutResult(status -> {
            status.setRollbackOnly();
            work.run();
        });
    }
}
