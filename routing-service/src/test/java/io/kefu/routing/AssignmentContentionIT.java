package io.kefu.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kefu.testsupport.KefuApps;
import io.kefu.testsupport.KefuIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two routing-service instances (competing for the same event queue, sharing PostgreSQL and Redis),
 * 200 customers arriving in a burst, 10 agents of capacity 5 coming online and going offline while
 * conversations end: nobody is assigned twice, no agent ever holds more than 5, and the queue drains
 * strictly in priority-then-arrival order until every customer has had exactly one agent.
 */
@KefuIntegrationTest(classes = RoutingApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kefu.jobs.local.routing-queue-sweep.cron=*/2 * * * * *", "kefu.jobs.local.routing-inactivity-warning.cron=",
        "kefu.jobs.local.routing-auto-close.cron=", "kefu.jobs.local.routing-inactive-cleanup.cron=",
        "kefu.jobs.local.routing-presence-sweep.cron="})
class AssignmentContentionIT extends RoutingItSupport {

    static final int CUSTOMERS = 200;
    static final int AGENTS = 10;
    static final int CAPACITY = 5;
    static final Duration WAIT = Duration.ofSeconds(60);
    static ConfigurableApplicationContext second;

    @AfterAll
    static void stopSecond() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void burstOfCustomersAndFlappingAgentsOnTwoInstancesNeverDoubleAssignsOrOverfills() throws Exception {
        second = KefuApps.start(RoutingApplication.class, Map.of(
                "kefu.security.jwk-set-uri", io.kefu.testsupport.TestTokens.jwkSetUri(),
                "kefu.jobs.local.routing-queue-sweep.cron", "*/2 * * * * *",
                "kefu.jobs.local.routing-inactivity-warning.cron", "", "kefu.jobs.local.routing-auto-close.cron", "",
                "kefu.jobs.local.routing-inactive-cleanup.cron", "", "kefu.jobs.local.routing-presence-sweep.cron", ""));
        int[] ports = {environment.getRequiredProperty("local.server.port", Integer.class), KefuApps.port(second)};
        UUID tenant = UUID.randomUUID();

        List<UUID> agents = new ArrayList<>();
        for (int i = 0; i < AGENTS; i++) {
            UUID agent = UUID.randomUUID();
            agents.add(agent);
            staffCreated(rabbit, agent, tenant, "agent " + i, "default", CAPACITY);
        }
        await("agent profiles", WAIT, () -> count("select count(*) from agent where tenant_id = ?", tenant) == AGENTS);

        // The burst: every 7th customer complains, so priorities are mixed.
        for (int i = 0; i < CUSTOMERS; i++) {
            customerWrote(rabbit, tenant, UUID.randomUUID(), UUID.randomUUID(), i % 7 == 0 ? "我要投诉" : "你好 " + i);
        }
        await("all queued", WAIT, () -> count("select count(*) from route where tenant_id = ? and status = 'waiting'", tenant) == CUSTOMERS);
        List<UUID> expectedOrder = jdbc.query("""
                select conversation_id from route where tenant_id = ? order by priority desc, enqueued_at, conversation_id""",
                (rs, i) -> rs.getObject(1, UUID.class), tenant);

        // A watcher samples loads while everything runs: nobody may ever be over capacity.
        AtomicBoolean watching = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Future<?> watcher = pool.submit(() -> {
            while (watching.get()) {
                jdbc.query("""
                        select a.staff_id, a.current_load, (select count(*) from route r where r.agent_id = a.staff_id and r.status = 'assigned')
                        from agent a where a.tenant_id = ?""", rs -> {
                    int load = rs.getInt(2);
                    long held = rs.getLong(3);
                    if (load > CAPACITY || held > CAPACITY) {
                        violations.add(rs.getObject(1) + " load " + load + " held " + held);
                    }
                }, tenant);
            }
        });

        // Agents come online at once, half through each instance.
        List<Future<?>> logins = new ArrayList<>();
        for (int i = 0; i < AGENTS; i++) {
            UUID agent = agents.get(i);
            int port = ports[i % 2];
            logins.add(pool.submit(() -> assertThat(call(port, "PUT", "/api/staff/status", Map.of("status", "online"),
                    staffToken(agent, tenant, "agent")).status()).isEqualTo(200)));
        }
        for (Future<?> login : logins) {
            login.get();
        }

        Random random = new Random(7);
        int round = 0;
        while (count("select count(*) from route where tenant_id = ? and status = 'waiting'", tenant) > 0) {
            round++;
            assertThat(round).as("rounds needed to drain the queue").isLessThan(40);
            // Settled: nobody waits, or nobody online has room (one statement, one snapshot). Until capacity
            // frees again, no further assignment can happen.
            await("assignments settle in round " + round, WAIT, () -> Boolean.TRUE.equals(jdbc.queryForObject("""
                    select (select count(*) from route where tenant_id = ? and status = 'waiting') = 0
                        or (select coalesce(sum(max_concurrent_chats - current_load), 0) from agent
                            where tenant_id = ? and status = 'online' and active) = 0""", Boolean.class, tenant, tenant)));

            // Agents answer what they hold, so going offline below hands nothing back.
            List<UUID[]> held = jdbc.query("select conversation_id, agent_id from route where tenant_id = ? and status = 'assigned'",
                    (rs, i) -> new UUID[] {rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)}, tenant);
            for (UUID[] pair : held) {
                agentReplied(rabbit, tenant, pair[0], pair[1]);
            }
            try {
                await("replies noted", Duration.ofSeconds(20), () -> count("""
                    select count(*) from route where tenant_id = ? and status = 'assigned'
                      and (last_agent_at is null or last_agent_at < last_customer_at)""", tenant) == 0);
            } catch (AssertionError e) {
                throw new AssertionError("round " + round + " held " + held.size() + ": " + jdbc.queryForList("""
                    select conversation_id, agent_id, last_agent_at, last_customer_at, assigned_at from route where tenant_id = ? and status = 'assigned'
                      and (last_agent_at is null or last_agent_at < last_customer_at)""", tenant), e);
            }
            await("replies noted", WAIT, () -> count("""
                    select count(*) from route where tenant_id = ? and status = 'assigned'
                      and (last_agent_at is null or last_agent_at < last_customer_at)""", tenant) == 0);

            // Three agents flap off and on through both instances at once (nothing of theirs waits for a
            // reply, so nothing is handed back); then a batch of conversations ends, freeing capacity on
            // whichever instance consumes each end, so both instances run passes over the queue at once.
            Collections.shuffle(held, random);
            List<UUID> flapping = new ArrayList<>(agents);
            Collections.shuffle(flapping, random);
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                UUID agent = flapping.get(i);
                int first = ports[(i + round) % 2];
                int other = ports[(i + round + 1) % 2];
                work.add(pool.submit(() -> {
                    call(first, "PUT", "/api/staff/status", Map.of("status", "offline"), staffToken(agent, tenant, "agent"));
                    call(other, "PUT", "/api/staff/status", Map.of("status", "online"), staffToken(agent, tenant, "agent"));
                }));
            }
            for (Future<?> w : work) {
                w.get();
            }
            List<UUID[]> ending = held.subList(0, Math.min(30, held.size()));
            for (UUID[] pair : ending) {
                conversationEnded(rabbit, tenant, pair[0]);
            }
            await("ends processed in round " + round, WAIT, () -> ending.stream().allMatch(pair -> "closed".equals(routeStatus(jdbc, pair[0]))));
        }
        await("the last assignments", WAIT,
                () -> count("select count(*) from route where tenant_id = ? and assigned_at is not null", tenant) == CUSTOMERS);
        watching.set(false);
        watcher.get();
        pool.shutdown();

        assertThat(violations).as("agents over capacity").isEmpty();
        List<Long> assignmentsPerConversation = jdbc.query("""
                select (select count(*) from kefu_outbox o where o.event_type = 'routing.conversation.assigned.v1'
                          and o.envelope->>'subject' = r.conversation_id::text)
                from route r where r.tenant_id = ?""", (rs, i) -> rs.getLong(1), tenant);
        assertThat(assignmentsPerConversation).hasSize(CUSTOMERS).containsOnly(1L);
        assertThat(jdbc.queryForObject("select sum(assignments) from route where tenant_id = ?", Long.class, tenant)).isEqualTo(CUSTOMERS);
        List<UUID> assignedOrder = jdbc.query("select conversation_id from route where tenant_id = ? order by assigned_at",
                (rs, i) -> rs.getObject(1, UUID.class), tenant);
        assertThat(assignedOrder).as("assignment follows priority, then arrival").containsExactlyElementsOf(expectedOrder);
        List<Integer[]> loads = jdbc.query("""
                select a.current_load, (select count(*) from route r where r.agent_id = a.staff_id and r.status = 'assigned')::int
                from agent a where a.tenant_id = ?""", (rs, i) -> new Integer[] {rs.getInt(1), rs.getInt(2)}, tenant);
        assertThat(loads).allSatisfy(pair -> assertThat(pair[0]).as("load column matches held conversations").isEqualTo(pair[1]));
    }

    private long count(String sql, UUID tenant) {
        Long value = jdbc.queryForObject(sql, Long.class, tenant);
        return value == null ? 0 : value;
    }
}
