package io.kefu.common.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventJson;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.event.EventTracing;
import io.kefu.common.event.EventType;
import io.kefu.common.event.EventsProperties;
import io.kefu.testsupport.KefuInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox insert's cost per event, printed as {@code [bench]} lines (not a test: its name is outside the test
 * includes). {@link EventPublisher} as it is (one prepared single-row insert, a JDBC batch for a list) against the
 * statement it used before (one insert from {@code unnest} of six arrays, which the driver sends as text literals
 * with every quote of the envelope's JSON escaped): a customer message's event, one per transaction as chat writes
 * it, and lists of three and of 25 (push-service's lots). On one connection to the local PostgreSQL, in a schema of its own, so its server backend's
 * CPU (user + system from {@code /proc}) is this benchmark's alone; rounds alternate the two ways. Nothing is
 * asserted about time; the figures go in the deploy README with the load average.
 *
 * <pre>./mvnw -o -pl common test -Dtest=OutboxInsertBenchmark -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.events=20000]</pre>
 */
class OutboxInsertBenchmark {

    static final int EVENTS = Integer.getInteger("bench.events", 20_000);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    /** The shape of chat.message.received.v1, the event every customer message writes. */
    @EventType("demo.message.received.v1")
    record MessageReceivedLike(UUID messageId, UUID conversationId, UUID customerId, UUID agentId, String channel, String channelUserId,
            String type, String content, String status, boolean newConversation, Instant at) {
    }

    @Test
    void printsWhatOneOutboxInsertCostsEachWay() throws Exception {
        KefuInfrastructure.Endpoints e = KefuInfrastructure.endpoints();
        String schema = "outbox_bench_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection con = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword())) {
            try (var st = con.createStatement()) {
                st.execute("create schema " + schema);
                st.execute("set search_path to " + schema);
                st.execute(new ClassPathResource("db/common/V1__kefu_outbox_inbox.sql").getContentAsString(StandardCharsets.UTF_8));
            }
            long backend = new JdbcTemplate(new SingleConnectionDataSource(con, true)).queryForObject("select pg_backend_pid()", Long.class);
            Path stat = Path.of("/proc/" + backend + "/stat");
            if (!Files.isReadable(stat)) {
                System.out.println("[bench] PostgreSQL's backend " + backend + " is not a process of this machine (" + e.mode()
                        + "): its CPU cannot be read; run against the local PostgreSQL");
                return;
            }
            SingleConnectionDataSource ds = new SingleConnectionDataSource(con, true);
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
            EventPublisher publisher = new EventPublisher(jdbc,
                    LiveProperties.bind(new MockEnvironment().withProperty("kefu.events.domain", "demo"), EventsProperties.class),
                    "chat-service", new EventTracing(null, null), () -> { }, Clock.systemUTC());
            JsonMapper json = EventJson.mapper();

            Consumer<List<EventPublisher.Publication>> now = list -> publisher.publishAll(list);
            Consumer<List<EventPublisher.Publication>> before = list -> insertAsBefore(jdbc, json, list);
            System.out.printf("[bench] outbox insert, %d events a way and round, local PostgreSQL, backend %d; load average %s%n", EVENTS,
                    backend, Files.readString(Path.of("/proc/loadavg")).trim());
            run(tx, stat, before, 1, EVENTS / 4, "warm-up, before");
            run(tx, stat, now, 1, EVENTS / 4, "warm-up, now");
            for (int round = 1; round <= ROUNDS; round++) {
                run(tx, stat, before, 1, EVENTS, "round " + round + ", before: unnest of arrays, 1 event a transaction");
                run(tx, stat, now, 1, EVENTS, "round " + round + ", now: single-row insert, 1 event a transaction");
                run(tx, stat, before, 3, EVENTS, "round " + round + ", before: unnest of arrays, 3 events a transaction");
                run(tx, stat, now, 3, EVENTS, "round " + round + ", now: JDBC batch, 3 events a transaction");
                run(tx, stat, before, 25, EVENTS, "round " + round + ", before: unnest of arrays, 25 events a transaction");
                run(tx, stat, now, 25, EVENTS, "round " + round + ", now: JDBC batch, 25 events a transaction");
            }
            List<String> envelopes = jdbc.queryForList("select envelope::text from kefu_outbox order by created_at desc limit 2", String.class);
            assertThat(envelopes).as("both ways store the envelope as JSON").allSatisfy(t -> assertThat(t).contains("\"content\""));
        } finally {
            try (Connection con = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword()); var st = con.createStatement()) {
                st.execute("drop schema if exists " + schema + " cascade");
            }
        }
    }

    private static void run(TransactionTemplate tx, Path stat, Consumer<List<EventPublisher.Publication>> way, int perTransaction,
            int events, String label) throws Exception {
        long ticks = ticks(stat);
        long start = System.nanoTime();
        for (int i = 0; i < events; i += perTransaction) {
            List<EventPublisher.Publication> list = new ArrayList<>(perTransaction);
            for (int j = 0; j < perTransaction; j++) {
                list.add(EventPublisher.Publication.of(event(i + j), UUID.randomUUID().toString(), UUID.randomUUID().toString()));
            }
            tx.executeWithoutResult(status -> way.accept(list));
        }
        double wallUs = (System.nanoTime() - start) / 1_000.0 / events;
        double cpuUs = (ticks(stat) - ticks) * 1_000_000.0 / TICKS_PER_SECOND / events;
        System.out.printf("[bench] %-70s PostgreSQL backend CPU %6.1f µs/event, caller wall %6.1f µs/event%n", label, cpuUs, wallUs);
    }

    private static MessageReceivedLike event(int i) {
        return new MessageReceivedLike(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "miniapp", null, "text",
                "你好，我想问一下订单 #" + i + " 什么时候发货？\"加急\"可以吗", "active", false, Instant.now());
    }

    /** The statement EventPublisher ran until 2026-12-01: the list as six arrays, unnested into rows. */
    private static void insertAsBefore(JdbcTemplate jdbc, JsonMapper json, List<EventPublisher.Publication> events) {
        List<EventEnvelope> envelopes = new ArrayList<>();
        Instant previous = Instant.MIN;
        for (EventPublisher.Publication p : events) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Instant at = now.isAfter(previous) ? now : previous.plus(1, ChronoUnit.MICROS);
            previous = at;
            envelopes.add(new EventEnvelope(UUID.randomUUID().toString(), "demo.message.received.v1", "chat-service", at, p.tenantId(),
                    p.subject(), p.priority(), null, json.valueToTree(p.event())));
        }
        jdbc.execute((ConnectionCallback<Integer>) con -> {
            try (PreparedStatement insert = con.prepareStatement("""
                    insert into kefu_outbox (id, event_type, exchange, routing_key, priority, envelope, created_at, next_attempt_at)
                    select u.id, u.event_type, ?, u.routing_key, u.priority, u.envelope::jsonb, u.at::timestamptz, u.at::timestamptz
                    from unnest(?::uuid[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[])
                         as u(id, event_type, routing_key, priority, envelope, at)""")) {
                insert.setString(1, "kefu.demo");
                insert.setArray(2, con.createArrayOf("uuid", envelopes.stream().map(x -> UUID.fromString(x.id())).toArray()));
                insert.setArray(3, con.createArrayOf("text", envelopes.stream().map(EventEnvelope::type).toArray()));
                insert.setArray(4, con.createArrayOf("text", envelopes.stream().map(EventEnvelope::routingKey).toArray()));
                insert.setArray(5, con.createArrayOf("int4", envelopes.stream().map(EventEnvelope::priority).toArray()));
                insert.setArray(6, con.createArrayOf("text", envelopes.stream().map(json::writeValueAsString).toArray()));
                insert.setArray(7, con.createArrayOf("text", envelopes.stream().map(x -> x.time().toString()).toArray()));
                return insert.executeUpdate();
            }
        });
    }

    private static long ticks(Path stat) throws Exception {
        String s = Files.readString(stat);
        String[] fields = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15 of stat)
    }
}
