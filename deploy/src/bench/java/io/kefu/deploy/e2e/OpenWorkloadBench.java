package io.kefu.deploy.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import io.kefu.testsupport.KefuInfrastructure;
import io.kefu.testsupport.StompTestClient;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The open workload of issue 15: customers' messages arrive at a fixed rate, whatever the suite's
 * answers do (a closed loop slows down with the system and hides its limit), stepping through
 * {@code bench.rates} msg/s for {@code bench.step-seconds} each, with all eight services running
 * ({@link ChatBenchmarkSimulation.Suite}). Per step it prints the achieved send and ack rates, SEND → ack
 * and delivery (stored → agent's socket) p50/p95/p99, errors and missing acks, and the CPU each process
 * spent per message from the operating system's own accounts ({@code /proc/<pid>/stat}: the services,
 * PostgreSQL, RabbitMQ, Redis and this load generator). The sustainable rate is the highest step whose
 * ack p99 is ≤ 100 ms with no error. Raw baselines shaped like the work (inserts committed in batches,
 * publishes with confirms in flight) are printed next to the one-at-a-time ones. With
 * {@code -Dbench.jfr=true} chat and the gateway record JFR, summarised at the end (top sampled methods).
 * Run with {@code make bench-open}; not part of {@code make test}.
 */
class OpenWorkloadBench {

    static final int[] RATES = Arrays.stream(System.getProperty("bench.rates", "250,500,1000,1500,2000").split(","))
            .mapToInt(r -> Integer.parseInt(r.trim())).toArray();
    static final int STEP_SECONDS = Integer.getInteger("bench.step-seconds", 20);
    /**
     * A warm-up at a light rate before the steps, not counted as one ({@code bench.warmup-seconds}, default none):
     * what "sustained" means for the full JIT ({@code -Dbench.jit=c2}), whose compilations take minutes on
     * two cores shared by eight JVMs and would otherwise be measured as the suite's capacity.
     */
    static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup-seconds", 0);
    static final int WARMUP_RATE = Integer.getInteger("bench.warmup-rate", 150);
    static final boolean JFR = Boolean.getBoolean("bench.jfr");
    static final Path OUT = Path.of("target/bench");
    /** When the steps began: JFR samples before it (start-up, warm-up) are left out of the hot spots. */
    static Instant loadStart = Instant.EPOCH;

    @Test
    void openWorkloadSteps() throws Exception {
        Files.createDirectories(OUT);
        if (JFR) {
            for (String module : List.of("chat-service", "gateway")) {
                System.setProperty("e2e.jvm-args." + module, System.getProperty("e2e.jvm-args." + module, "") + " -XX:StartFlightRecording=filename=" + OUT.toAbsolutePath().resolve(module + ".jfr")
                        + ",settings=profile,dumponexit=true");
            }
        }
        printBatchBaselines();
        ChatBenchmarkSimulation.Suite suite = ChatBenchmarkSimulation.Suite.start();
        System.out.printf("%nBASELINE RabbitMQ publish+confirm→consume, one at a time: %.0f msg/s; PostgreSQL single-row autocommit insert: %.0f rows/s%n",
                suite.rabbitBaselinePerSecond(), suite.postgresBaselinePerSecond());
        List<StompTestClient> sockets = new ArrayList<>();
        try {
            Load load = new Load();
            for (String agent : suite.agentTokens()) {
                StompTestClient socket = StompTestClient.connect(wsUrl(suite), agent);
                sockets.add(socket.subscribe("/user/queue/messages", load::delivered).ready());
            }
            List<StompTestClient> customers = new ArrayList<>();
            for (String customer : suite.customerTokens()) {
                StompTestClient socket = StompTestClient.connect(wsUrl(suite), customer);
                socket.subscribe("/user/queue/acks", load::acked).subscribe("/user/queue/errors", f -> load.errors.incrementAndGet()).ready();
                sockets.add(socket);
                customers.add(socket);
            }
            // Every customer opens their conversation first, so the steps measure messages, not assignment.
            warmUp(customers, load);

            if (WARMUP_SECONDS > 0) {
                System.out.printf("%nWARM-UP %d msg/s for %d s (not a step)%n", WARMUP_RATE, WARMUP_SECONDS);
                runStep(WARMUP_RATE, WARMUP_SECONDS, customers, load, suite).print();
            }
            System.out.printf("%nOPEN WORKLOAD %d customers, %d agents, %d s per step, all eight services on this machine (load average before: %s)%n",
                    customers.size(), suite.agentTokens().size(), STEP_SECONDS, loadAverage());
            List<Integer> sustainable = new ArrayList<>();
            loadStart = Instant.now();
            try (Statements statements = Statements.open()) {
                for (int rate : RATES) {
                    statements.reset();
                    Step step = runStep(rate, STEP_SECONDS, customers, load, suite);
                    step.print();
                    statements.print(step.acked());
                    if (step.sustained()) {
                        sustainable.add(rate);
                    }
                }
            }
            System.out.printf("%nSUSTAINABLE (ack p99 ≤ 100 ms, no errors, nothing missing): %s msg/s%n",
                    sustainable.isEmpty() ? "none of the steps" : sustainable.getLast());
        } finally {
            sockets.forEach(StompTestClient::close);
            suite.stop();
        }
        if (JFR) {
            for (String module : List.of("chat-service", "gateway")) {
                printHotSpots(OUT.resolve(module + ".jfr"), module);
            }
        }
    }

    /** What the sockets saw: ack and delivery times, errors. */
    static final class Load {
        final Map<String, Long> sentAt = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> deliveries = new ConcurrentLinkedQueue<>();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicInteger acked = new AtomicInteger();

        void acked(JsonNode ack) {
            Long sent = sentAt.remove(ack.path("clientMsgId").asString());
            if (sent == null) {
                return;
            }
            if (!"sent".equals(ack.path("status").asString())) {
                errors.incrementAndGet();
                return;
            }
            acks.add(System.nanoTime() - sent);
            acked.incrementAndGet();
        }

        void delivered(JsonNode message) {
            if ("customer".equals(message.path("senderType").asString())) {
                deliveries.add(TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - Instant.parse(message.path("createdAt").asString()).toEpochMilli()));
            }
        }

        void reset() {
            acks.clear();
            deliveries.clear();
            errors.set(0);
            acked.set(0);
        }
    }

    static void warmUp(List<StompTestClient> customers, Load load) throws InterruptedException {
        for (int i = 0; i < customers.size(); i++) {
            String id = i + ":" + UUID.randomUUID();
            load.sentAt.put(id, System.nanoTime());
            customers.get(i).send("/app/chat.send", Map.of("content", "你好", "clientMsgId", id));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (load.acked.get() < customers.size() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(2000);
        load.reset();
    }

    record Step(int target, int seconds, double sendRate, double ackRate, int sent, int acked, int missing, int errors, long[] acks, long[] deliveries,
            Map<String, Long> cpuMillis) {

        boolean sustained() {
            return errors == 0 && missing == 0 && acks.length > 0 && percentile(acks, 99) <= 100;
        }

        void print() {
            System.out.printf("%nSTEP %d msg/s target: sent %d (%.0f/s), acked %d (%.0f/s), missing %d, errors %d%n", target, sent, sendRate, acked,
                    ackRate, missing, errors);
            System.out.printf("  SEND → ack      p50 %d ms, p95 %d ms, p99 %d ms%n", percentile(acks, 50), percentile(acks, 95), percentile(acks, 99));
            System.out.printf("  delivery→agent  p50 %d ms, p95 %d ms, p99 %d ms (%d received)%n", percentile(deliveries, 50),
                    percentile(deliveries, 95), percentile(deliveries, 99), deliveries.length);
            long total = cpuMillis.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder table = new StringBuilder("  CPU per message (ms):");
            cpuMillis.forEach((process, ms) -> table.append(String.format(" %s %.2f", process, acked == 0 ? 0 : (double) ms / acked)));
            System.out.println(table.append(String.format(" | total %.2f ms (%.0f%% of %d cores)", acked == 0 ? 0 : (double) total / acked,
                    100.0 * total / (seconds * 1000.0 * Runtime.getRuntime().availableProcessors()),
                    Runtime.getRuntime().availableProcessors())));
        }
    }

    static Step runStep(int rate, int seconds, List<StompTestClient> customers, Load load, ChatBenchmarkSimulation.Suite suite) throws Exception {
        load.reset();
        Map<String, List<Long>> processes = processes(suite);
        Map<String, Long> cpuBefore = CpuAccounts.snapshot(processes);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long interval = 1_000_000_000L / rate;
        int sent = 0;
        long next = start;
        while (next < end) {
            long now = System.nanoTime();
            if (now < next) {
                LockSupport.parkNanos(Math.min(next - now, 500_000));
                continue;
            }
            int customer = sent % customers.size();
            String id = customer + ":" + UUID.randomUUID();
            load.sentAt.put(id, System.nanoTime());
            // No conversation id: a customer's message goes to their open conversation, as the mini-program sends it.
            customers.get(customer).send("/app/chat.send", Map.of("content", "订单号 2025" + sent, "clientMsgId", id));
            sent++;
            next += interval;
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (load.acked.get() + load.errors.get() < sent && System.nanoTime() < grace) {
            Thread.sleep(50);
        }
        double ackSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> cpuAfter = CpuAccounts.snapshot(processes);
        Map<String, Long> cpu = new LinkedHashMap<>();
        cpuAfter.forEach((process, ms) -> cpu.put(process, ms - cpuBefore.getOrDefault(process, 0L)));
        int missing = load.sentAt.size();
        load.sentAt.clear();
        return new Step(rate, seconds, sent / sendSeconds, load.acked.get() / ackSeconds, sent, load.acked.get(), missing, load.errors.get(),
                millis(load.acks), millis(load.deliveries), cpu);
    }

    /** The processes whose CPU is counted: each service, PostgreSQL (all backends), RabbitMQ, Redis, this load generator. */
    static Map<String, List<Long>> processes(ChatBenchmarkSimulation.Suite suite) {
        Map<String, List<Long>> processes = new LinkedHashMap<>();
        for (ServiceProcess service : suite.services().all()) {
            processes.put(service.module().replace("-service", ""), List.of(service.pid()));
        }
        processes.put("postgres", CpuAccounts.pidsOf("postgres"));
        processes.put("rabbitmq", CpuAccounts.pidsOf("beam.smp"));
        processes.put("redis", CpuAccounts.pidsOf("redis-server"));
        processes.put("load-generator", List.of(ProcessHandle.current().pid()));
        return processes;
    }

    /**
     * What PostgreSQL executed per message during a step, from {@code pg_stat_statements} when the server
     * loads it ({@code shared_preload_libraries}; the bench does not change the server's settings): the
     * statements of this run's database by execution time, with calls and milliseconds per acknowledged
     * message. Without the extension (or a superuser to read it) it says so once and prints nothing per step.
     */
    static final class Statements implements AutoCloseable {

        private final Connection connection;

        private Statements(Connection connection) {
            this.connection = connection;
        }

        static Statements open() {
            Map<String, String> infra = KefuInfrastructure.springProperties();
            try {
                // Creating the extension and reading every role's statements take a superuser (bench.postgres-admin, the local
                // server's postgres by default), not the services' own role.
                Connection connection = DriverManager.getConnection(infra.get("spring.datasource.url"), System.getProperty("bench.postgres-admin", "postgres"),
                        System.getProperty("bench.postgres-admin-password", ""));
                connection.createStatement().execute("create extension if not exists pg_stat_statements");
                connection.createStatement().execute("select pg_stat_statements_reset()");
                return new Statements(connection);
            } catch (Exception e) {
                System.out.println("(no per-statement figures: pg_stat_statements is not loaded by this PostgreSQL or may not be used here: "
                        + e.getMessage().lines().findFirst().orElse("") + ")");
                return new Statements(null);
            }
        }

        void reset() throws Exception {
            if (connection != null) {
                connection.createStatement().execute("select pg_stat_statements_reset()");
            }
        }

        void print(int messages) throws Exception {
            if (connection == null || messages == 0) {
                return;
            }
            try (PreparedStatement top = connection.prepareStatement("""
                    select calls, total_exec_time, regexp_replace(query, '\\s+', ' ', 'g') as query
                    from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
                    order by total_exec_time desc""")) {
                var rows = top.executeQuery();
                double total = 0;
                List<String> lines = new ArrayList<>();
                while (rows.next()) {
                    double ms = rows.getDouble("total_exec_time");
                    total += ms;
                    if (lines.size() < 8) {
                        String query = rows.getString("query");
                        lines.add(String.format("    %.3f ms, %.2f calls  %s", ms / messages, (double) rows.getLong("calls") / messages,
                                query.length() > 110 ? query.substring(0, 110) + "…" : query));
                    }
                }
                System.out.printf("  PostgreSQL statements per message (pg_stat_statements, execution only): %.3f ms in all; the largest:%n", total / messages);
                lines.forEach(System.out::println);
            }
        }

        @Override
        public void close() throws Exception {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** CPU time (user + system) of processes, from {@code /proc/<pid>/stat}, in milliseconds. */
    static final class CpuAccounts {

        static final long TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux for every architecture Kefu runs on

        static Map<String, Long> snapshot(Map<String, List<Long>> processes) {
            Map<String, Long> cpu = new LinkedHashMap<>();
            processes.forEach((name, pids) -> cpu.put(name, pids.stream().mapToLong(CpuAccounts::cpuMillis).sum()));
            return cpu;
        }

        static long cpuMillis(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                // Fields after the command name (which may hold spaces) start with the state: utime is the 12th, stime the 13th.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / TICKS_PER_SECOND;
            } catch (Exception gone) {
                return 0;
            }
        }

        /** Every running process whose executable's name is {@code name} (PostgreSQL has one per connection). */
        static List<Long> pidsOf(String name) {
            return ProcessHandle.allProcesses().filter(p -> p.info().command().map(c -> c.endsWith("/" + name) || c.equals(name)).orElse(false))
                    .map(ProcessHandle::pid).toList();
        }
    }

    /**
     * Baselines with the shape of the work: rows inserted and committed 50 at a time (what a group commit
     * of messages arriving together does), and publishes with up to 256 confirms in flight (what a relay
     * publishing many rows per round does).
     */
    static void printBatchBaselines() throws Exception {
        Map<String, String> infra = KefuInfrastructure.springProperties();
        int rows = 20_000;
        try (Connection connection = DriverManager.getConnection(infra.get("spring.datasource.url"), infra.get("spring.datasource.username"),
                infra.get("spring.datasource.password"))) {
            connection.createStatement().execute("create temporary table bench_batch (id uuid primary key, body text, at timestamptz)");
            connection.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement insert = connection.prepareStatement("insert into bench_batch values (?, ?, now())")) {
                for (int i = 0; i < rows; i++) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setString(2, "你好，我的订单还没到 " + i);
                    insert.addBatch();
                    if (i % 50 == 49) {
                        insert.executeBatch();
                        connection.commit();
                    }
                }
            }
            System.out.printf("BASELINE PostgreSQL inserts committed 50 at a time: %.0f rows/s%n", rows / ((System.nanoTime() - start) / 1e9));
        }
        ConnectionFactory factory = ChatBenchmarkSimulation.rabbitFactory();
        int messages = 50_000;
        try (com.rabbitmq.client.Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            String queue = channel.queueDeclare("", false, true, true, Map.<String, Object>of("x-max-priority", 3)).getQueue();
            channel.confirmSelect();
            AtomicInteger consumed = new AtomicInteger();
            try (Channel consumer = connection.createChannel()) {
                consumer.basicConsume(queue, true, (tag, delivery) -> consumed.incrementAndGet(), tag -> { });
                long start = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    channel.basicPublish("", queue, null, ("message " + i).getBytes());
                    if (i % 256 == 255) {
                        channel.waitForConfirmsOrDie(10_000);
                    }
                }
                channel.waitForConfirmsOrDie(10_000);
                while (consumed.get() < messages) {
                    Thread.sleep(5);
                }
                System.out.printf("BASELINE RabbitMQ publishes with 256 confirms in flight, consumed: %.0f msg/s%n",
                        messages / ((System.nanoTime() - start) / 1e9));
            }
        }
    }

    /**
     * The hot spots of a JFR recording during the load: the methods most often on top of the sampled
     * stacks (where the CPU is), and the nearest Kefu method below each sample (which of our code paths
     * it serves: the frames above it are Spring, Jackson, JDBC, Netty working for it).
     */
    static void printHotSpots(Path recording, String module) throws Exception {
        if (!Files.exists(recording)) {
            System.out.println("no JFR recording of " + module + " at " + recording);
            return;
        }
        Map<String, Integer> top = new ConcurrentHashMap<>();
        Map<String, Integer> ours = new ConcurrentHashMap<>();
        int samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
                        || event.getStackTrace().getFrames().isEmpty() || event.getStartTime().isBefore(loadStart)) {
                    continue;
                }
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                top.merge(name(frames.getFirst()), 1, Integer::sum);
                String kefu = frames.stream().map(OpenWorkloadBench::name).filter(n -> n.startsWith("io.kefu.")).findFirst()
                        .orElse("(no Kefu frame: framework threads, GC, I/O loops)");
                ours.merge(kefu, 1, Integer::sum);
                samples++;
            }
        }
        System.out.printf("%nHOT SPOTS %s during the load (%d samples, %s), top of stack:%n", module, samples, recording);
        print(top, samples);
        System.out.printf("HOT SPOTS %s by the nearest Kefu method:%n", module);
        print(ours, samples);
    }

    static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    static void print(Map<String, Integer> counts, int total) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }

    static String wsUrl(ChatBenchmarkSimulation.Suite suite) {
        return "ws://127.0.0.1:" + suite.gatewayPort() + "/ws";
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    static long[] millis(ConcurrentLinkedQueue<Long> nanos) {
        return nanos.stream().mapToLong(n -> TimeUnit.NANOSECONDS.toMillis(n)).sorted().toArray();
    }

    static long percentile(long[] sorted, int p) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
