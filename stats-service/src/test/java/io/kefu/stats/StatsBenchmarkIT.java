package io.kefu.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.stats.rollup.Rollups;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The two figures, measured and printed, never asserted as times (the machine is shared):
 * ingestion rate of a backlog of producers' events (chat, routing, push, ticket, kb-ai at once), and the
 * time of a 90-day trend answered from rollups. What is asserted is that the work was done right: every
 * event ingested, every day of the trend present with its count. Opt-in ({@code -Dkefu.bench=true}): it
 * loads the shared database for minutes. Results go into README.md with the load average.
 */
class StatsBenchmarkIT extends StatsItSupport {

    static final int EVENTS = Integer.getInteger("kefu.bench.events", 15_000);
    /** Events drained before the measured backlog ({@code -Dkefu.bench.warmup=15000}): the rate of a warm JVM, not of a fresh one. */
    static final int WARMUP = Integer.getInteger("kefu.bench.warmup", 0);

    @Autowired
    BindingsLifecycleController bindings;
    @Autowired
    Rollups rollups;

    static final List<String> BINDINGS = List.of("chatEvents-in-0", "routingEvents-in-0", "pushEvents-in-0", "ticketEvents-in-0", "kbEvents-in-0");

    @Test
    void ingestsABacklogOfProducersEventsAndPrintsTheRate() {
        assumeTrue(Boolean.getBoolean("kefu.bench"), "benchmarks run with -Dkefu.bench=true");
        System.out.println("[stats bench] " + jvm());
        if (WARMUP > 0) {
            // a first backlog, not measured: a running service has its code compiled (JIT) and its pools warm, a fresh JVM not
            UUID warm = UUID.randomUUID();
            List<String> lastOfWarmUp = backlog(warm, WARMUP);
            BINDINGS.forEach(b -> bindings.changeState(b, BindingsLifecycleController.State.STARTED));
            awaitDrained(WARMUP + " warm-up events ingested", lastOfWarmUp);
        }
        UUID tenant = UUID.randomUUID();
        List<String> last = backlog(tenant, EVENTS);
        Map<Integer, Long> postgresBefore = CpuTime.postgresBackends(jdbc);
        long jvmBefore = CpuTime.jvmNanos();
        Map<String, Long> threadsBefore = CpuTime.jvmThreads();
        long start = System.nanoTime();
        BINDINGS.forEach(b -> bindings.changeState(b, BindingsLifecycleController.State.STARTED));
        awaitDrained(EVENTS + " events ingested", last);
        double seconds = (System.nanoTime() - start) / 1e9;
        double jvmSeconds = (CpuTime.jvmNanos() - jvmBefore) / 1e9;
        String perKind = CpuTime.perKind(threadsBefore, CpuTime.jvmThreads());
        double postgresSeconds = CpuTime.since(postgresBefore, CpuTime.postgresBackends(jdbc));
        System.out.printf("[stats bench] ingested %d events (5 producers, 5 queues%s) in %.1f s = %.0f events/s; load average %s%n", EVENTS,
                WARMUP > 0 ? ", after " + WARMUP + " warm-up events" : "", seconds, EVENTS / seconds, loadAverage());
        // CPU per event depends far less on the other processes of a shared machine than the rate does
        System.out.printf("[stats bench] CPU while ingesting: this JVM %.1f s (%s), its PostgreSQL backends %.1f s = %.0f µs per event "
                + "(RabbitMQ's not counted)%n", jvmSeconds, perKind, postgresSeconds, (jvmSeconds + postgresSeconds) * 1e6 / EVENTS);
        assertThat(jdbc.queryForObject("select count(*) from stored_event where tenant_id = ?", Long.class, tenant)).isEqualTo(EVENTS);
        assertThat(jdbc.queryForObject("select count(*) from measurement where tenant_id = ? and metric = 'push.sent'", Long.class, tenant))
                .isEqualTo(EVENTS / 5);
    }

    /**
     * Waits until the last event published to each queue is stored: one consumer per queue commits its batches in the
     * queue's order, so every event before it is too (counted after). A lookup of five ids, not a count of the tenant's
     * events every 50 ms: the benchmark's own queries run on the PostgreSQL backends whose CPU it reports.
     */
    private void awaitDrained(String what, List<String> lastOfEachQueue) {
        await(what, Duration.ofMinutes(15), () -> jdbc.queryForObject("select count(*) from stored_event where event_id = any(?)", Long.class,
                (Object) lastOfEachQueue.toArray(String[]::new)) == lastOfEachQueue.size());
    }

    /**
     * A backlog (consumers stopped) of the five producers' events, the rate at which stats drains it measured after;
     * returns the id of the last event of each queue.
     */
    private List<String> backlog(UUID tenant, int events) {
        BINDINGS.forEach(b -> bindings.changeState(b, BindingsLifecycleController.State.STOPPED));
        Instant now = Instant.now();
        String[] last = new String[5];
        for (int i = 0; i < events; i++) {
            UUID id = UUID.randomUUID();
            Instant at = now.minusSeconds(i % 3600);
            last[i % 5] = switch (i % 5) {
                case 0 -> publish(rabbit, "chat.conversation.opened.v1", tenant, id, Map.of("conversationId", id.toString(), "customerId",
                        UUID.randomUUID().toString(), "channel", "mp", "startedAt", at.toString()));
                case 1 -> publish(rabbit, "routing.conversation.queued.v1", tenant, id, Map.of("conversationId", id.toString(), "groupName", "default",
                        "enqueuedAt", at.toString()));
                case 2 -> publish(rabbit, "push.message.sent.v1", tenant, id, Map.of("messageId", id.toString(), "channel", "sms", "sendMillis", 80,
                        "sentAt", at.toString()));
                case 3 -> publish(rabbit, "ticket.ticket.created.v1", tenant, id, Map.of("ticketId", id.toString(), "createdAt", at.toString()));
                default -> publish(rabbit, "kb.answer.drafted.v1", tenant, id, Map.of("answerId", id.toString(), "conversationId",
                        UUID.randomUUID().toString(), "kbHit", true, "draftedAt", at.toString()));
            };
        }
        return Arrays.stream(last).filter(java.util.Objects::nonNull).toList();
    }

    @Test
    void answersANinetyDayTrendFromRollupsAndPrintsTheTime() {
        assumeTrue(Boolean.getBoolean("kefu.bench"), "benchmarks run with -Dkefu.bench=true");
        UUID tenant = UUID.randomUUID();
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        LocalDate today = LocalDate.now(zone);
        int perDay = 400;
        // 90 days of measurements (a realistic tenant: 400 observations a day over a few metrics, agents, channels), then 89 closed days
        jdbc.update("insert into tenant (tenant_id, first_seen_at) values (?, now()) on conflict do nothing", tenant);
        jdbc.update("""
                insert into measurement (tenant_id, metric, key, at, value, good, conversation_id, agent_id, group_name, channel)
                select ?, (array['conversation.opened','frt','csat','push.sent'])[1 + n % 4], 'b' || d || '-' || n,
                  ((?::date - d) + make_interval(mins => (n * 3) % 1440)) at time zone 'Asia/Shanghai', n % 300, n % 3 = 0, gen_random_uuid(),
                  ('00000000-0000-0000-0000-00000000000' || (n % 8))::uuid, 'g' || (n % 3), (array['mp','wecom','miniapp'])[1 + n % 3]
                from generate_series(0, 89) d, generate_series(1, ?) n""", tenant, today, perDay);
        for (int d = 1; d < 90; d++) {
            rollups.closeDay(tenant, today.minusDays(d));
        }
        String path = "/api/stats/trends?tenantId=" + tenant + "&from=" + today.minusDays(89) + "&to=" + today;
        String token = superadmin();
        get(path, token); // warm-up
        List<Long> millis = new ArrayList<>();
        JsonNode last = null;
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            Response r = get(path, token);
            millis.add((System.nanoTime() - start) / 1_000_000);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            last = r.body();
        }
        long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("[stats bench] 90-day trend (89 closed days from rollups + today from measurements, %d observations/day): "
                + "p50 %d ms, p90 %d ms, max %d ms over %d calls; load average %s%n", perDay, sorted[sorted.length / 2],
                sorted[(int) (sorted.length * 0.9)], sorted[sorted.length - 1], sorted.length, loadAverage());
        assertThat(last.path("points")).hasSize(90);
        for (JsonNode point : last.path("points")) {
            assertThat(point.path("figures").path("conversation.opened").path("count").asLong()).isEqualTo(perDay / 4);
        }
        System.out.println("[stats bench] all calls " + Arrays.toString(sorted));
    }

    /**
     * The JVM this benchmark runs in, as the JVM itself reports it (flags given through JDK_JAVA_OPTIONS count too): the
     * pom forks it with make run's flags for stats (deploy/local/jvm.sh) unless {@code -Dkefu.bench.jvm=defaults}.
     */
    static String jvm() {
        var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        int tierStop = Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue());
        String jit = "false".equals(hotspot.getVMOption("TieredCompilation").getValue()) ? "C2 only" : tierStop < 4 ? "C1 only" : "C1 + C2";
        String gc = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).collect(java.util.stream.Collectors.joining(" + "));
        long heapMb = Long.parseLong(hotspot.getVMOption("MaxHeapSize").getValue()) >> 20;
        List<String> flags = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:") || a.startsWith("-Xm") || a.startsWith("-Xs") && !a.startsWith("-Xshare")).toList();
        String asked = System.getProperty("kefu.bench.jvm-flags", "");
        String mode = asked.isBlank() ? "the JVM's defaults (-Dkefu.bench.jvm=defaults; as the Kubernetes and compose images run)"
                : asked.equals(System.getProperty("kefu.make-run.jvm-flags")) ? "make run's flags for stats (deploy/local/jvm.sh)" : "flags " + asked;
        return String.format("JVM %s: %s, %s, max heap %d MB, %d CPUs; %s; JIT/GC/heap flags given: %s", Runtime.version(),
                jit, gc, heapMb, Runtime.getRuntime().availableProcessors(), mode, flags.isEmpty() ? "none" : flags);
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
