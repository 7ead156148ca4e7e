package io.kefu.deploy.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.kefu.testsupport.KefuInfrastructure;
import io.kefu.testsupport.WeChatCallbacks;
import org.junit.jupiter.api.Test;

/**
 * Official Account callbacks at fixed arrival rates (issue 15: answered {@code success} with p99 ≤ 20 ms at
 * 500 callbacks/s, and processed into messages as fast as chat messages). Signed and encrypted (safe mode)
 * text messages with distinct MsgIds from {@code bench.callback.followers} followers, sent through the
 * gateway (or straight to chat-service with {@code -Dbench.callback.target=chat}) with all eight services
 * running, stepping through {@code bench.callback.rates} for {@code bench.step-seconds} each. Per step: the
 * achieved rate, answer p50/p95/p99, refusals and errors, then how the accepted callbacks became messages
 * (chat's {@code channel_inbound}: done, still pending, received → processed p50/p95/p99 and the rate they
 * were processed at), and the CPU each process spent per callback. With {@code -Dbench.jfr=true} chat and the
 * gateway record JFR, dumped after the first step and summarised at the end as {@link OpenWorkloadBench} does
 * (top sampled methods during that step). Run with {@code make bench-callbacks}.
 */
class CallbackBench {

    static final int[] RATES = Arrays.stream(System.getProperty("bench.callback.rates", "100,250,500,750").split(","))
            .mapToInt(r -> Integer.parseInt(r.trim())).toArray();
    static final int FOLLOWERS = Integer.getInteger("bench.callback.followers", 1000);
    static final String TARGET = System.getProperty("bench.callback.target", "gateway");
    static final String APP = "wx" + UUID.randomUUID().toString().replace("-", "").substring(0, 16); // as WeChat's: wx and 16 hex digits
    static final String TOKEN = "benchtoken";
    static final String AES_KEY = WeChatCallbacks.newEncodingAesKey();
    /** Refusals by status and the start of their body, printed at the end: a refusal names its reason. */
    static final Map<String, Integer> REFUSALS = new java.util.concurrent.ConcurrentHashMap<>();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void callbacksAtFixedRates() throws Exception {
        System.setProperty("bench.customers", System.getProperty("bench.customers", "1"));
        java.nio.file.Files.createDirectories(OpenWorkloadBench.OUT);
        if (OpenWorkloadBench.JFR) {
            for (String module : List.of("chat-service", "gateway")) {
                // Added to what the command line gave this module (-De2e.jvm-args.chat-service=...), not in its place.
                System.setProperty("e2e.jvm-args." + module, System.getProperty("e2e.jvm-args." + module, "") + " -XX:StartFlightRecording=filename="
                        + OpenWorkloadBench.OUT.toAbsolutePath().resolve("callbacks-" + module + ".jfr") + ",settings=profile,dumponexit=true");
            }
        }
        ChatBenchmarkSimulation.Suite suite = ChatBenchmarkSimulation.Suite.start();
        try {
            ChatBenchmarkSimulation.post(suite.gatewayPort(), "/api/admin/channels", suite.superadminToken(), Map.of("tenantId", suite.tenantId(),
                    "kind", "mp", "name", "压测服务号", "appId", APP, "secret", UUID.randomUUID().toString().replace("-", ""), "token", TOKEN,
                    "encodingAesKey", AES_KEY));
            int port = TARGET.equals("chat") ? suite.services().service("chat-service").port() : suite.gatewayPort();
            // Warm-up: every follower writes once (their customer and conversation exist before the steps).
            Step warm = runStep(port, 50, FOLLOWERS / 50, suite);
            System.out.printf("%nWARM-UP %d callbacks: %d answered success, %d processed%n", warm.sent, warm.ok, warm.done);
            System.out.printf("%nCALLBACKS to %s, %d followers, %d s per step, all eight services on this machine (load average before: %s)%n",
                    TARGET, FOLLOWERS, OpenWorkloadBench.STEP_SECONDS, OpenWorkloadBench.loadAverage());
            List<Integer> sustainable = new ArrayList<>();
            OpenWorkloadBench.loadStart = Instant.now();
            for (int rate : RATES) {
                Step step = runStep(port, rate, OpenWorkloadBench.STEP_SECONDS, suite);
                step.print();
                if (OpenWorkloadBench.JFR && rate == RATES[0]) {
                    // The hot spots are the first step's: a later one may exhaust chat's heap, and then no dump is written.
                    dumpRecordings(suite);
                }
                if (step.sustained()) {
                    sustainable.add(rate);
                }
            }
            REFUSALS.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(5)
                    .forEach(r -> System.out.printf("REFUSED %d × %s%n", r.getValue(), r.getKey()));
            System.out.printf("%nSUSTAINABLE (answer p99 ≤ 20 ms, all answered success, all processed): %s callbacks/s%n",
                    sustainable.isEmpty() ? "none of the steps" : sustainable.getLast());
        } finally {
            suite.stop();
        }
        if (OpenWorkloadBench.JFR) {
            for (String module : List.of("chat-service", "gateway")) {
                try {
                    OpenWorkloadBench.printHotSpots(OpenWorkloadBench.OUT.resolve("callbacks-" + module + ".jfr"), module);
                } catch (java.io.IOException e) {
                    System.out.println("no hot spots of " + module + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * Dumps chat's and the gateway's recordings while they run: a service still busy with a backlog when the
     * suite stops is killed after 30 s, and {@code dumponexit} then writes nothing.
     */
    static void dumpRecordings(ChatBenchmarkSimulation.Suite suite) {
        String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (String module : List.of("chat-service", "gateway")) {
            try {
                long pid = module.equals("gateway") ? suite.services().gateway().pid() : suite.services().service(module).pid();
                // A recording of the whole run takes minutes to write while the machine is loaded: wait for it.
                Process dump = new ProcessBuilder(jcmd, Long.toString(pid), "JFR.dump", "filename="
                        + OpenWorkloadBench.OUT.toAbsolutePath().resolve("callbacks-" + module + ".jfr")).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
                if (!dump.waitFor(600, TimeUnit.SECONDS)) {
                    dump.destroyForcibly();
                }
            } catch (Exception e) {
                System.out.println("JFR.dump of " + module + " failed: " + e);
            }
        }
    }

    record Step(int target, double sendRate, int sent, int ok, int refused, int errors, long[] answers, int done, int pending,
            double[] processing, double processedPerSecond, Map<String, Long> cpuMillis) {

        boolean sustained() {
            return ok == sent && answers.length > 0 && OpenWorkloadBench.percentile(answers, 99) <= 20 && pending == 0 && done == ok;
        }

        void print() {
            System.out.printf("%nSTEP %d callbacks/s target: sent %d (%.0f/s), success %d, refused %d, errors %d%n", target, sent, sendRate, ok,
                    refused, errors);
            System.out.printf("  answer          p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n", OpenWorkloadBench.percentile(answers, 50),
                    OpenWorkloadBench.percentile(answers, 95), OpenWorkloadBench.percentile(answers, 99),
                    answers.length == 0 ? -1 : answers[answers.length - 1]);
            System.out.printf("  into messages   %d done, %d pending; received → processed p50 %.0f ms, p95 %.0f ms, p99 %.0f ms; %.0f processed/s%n",
                    done, pending, processing[0], processing[1], processing[2], processedPerSecond);
            long total = cpuMillis.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder table = new StringBuilder("  CPU per callback (ms):");
            cpuMillis.forEach((process, ms) -> table.append(String.format(" %s %.2f", process, ok == 0 ? 0 : (double) ms / ok)));
            System.out.println(table.append(String.format(" | total %.2f ms", ok == 0 ? 0 : (double) total / ok)));
        }
    }

    static Step runStep(int port, int rate, int seconds, ChatBenchmarkSimulation.Suite suite) throws Exception {
        int count = rate * seconds;
        // Bodies are made before the clock starts, so the load generator's AES work is not in the rate.
        List<HttpRequest> requests = new ArrayList<>(count);
        long stamp = System.currentTimeMillis() / 1000;
        for (int i = 0; i < count; i++) {
            requests.add(callback(port, "o-bench-" + (i % FOLLOWERS), stamp, "第" + i + "条：我的订单什么时候发货？", MSG_IDS.incrementAndGet()));
        }
        Map<String, List<Long>> processes = OpenWorkloadBench.processes(suite);
        Map<String, Long> cpuBefore = OpenWorkloadBench.CpuAccounts.snapshot(processes);
        ConcurrentLinkedQueue<Long> answers = new ConcurrentLinkedQueue<>();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Instant from = Instant.now().minusSeconds(1);
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        long next = start;
        for (HttpRequest request : requests) {
            long now;
            while ((now = System.nanoTime()) < next) {
                LockSupport.parkNanos(Math.min(next - now, 200_000));
            }
            long sentAt = System.nanoTime();
            HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                answers.add(System.nanoTime() - sentAt);
                if (failure != null) {
                    errors.incrementAndGet();
                } else if (response.statusCode() == 200 && "success".equals(response.body())) {
                    ok.incrementAndGet();
                } else {
                    refused.incrementAndGet();
                    REFUSALS.merge(response.statusCode() + " " + response.body().replaceAll("\\s+", " ")
                            .substring(0, Math.min(160, response.body().length())), 1, Integer::sum);
                }
                finished.incrementAndGet();
            });
            next += interval;
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (finished.get() < count && System.nanoTime() < grace) {
            Thread.sleep(20);
        }
        // Then the processing: wait until nothing received in this step is pending (or 60 s pass).
        long[] progress = processed(from);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (progress[1] > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            progress = processed(from);
        }
        Map<String, Long> cpuAfter = OpenWorkloadBench.CpuAccounts.snapshot(processes);
        Map<String, Long> cpu = new LinkedHashMap<>();
        cpuAfter.forEach((process, ms) -> cpu.put(process, ms - cpuBefore.getOrDefault(process, 0L)));
        double[] processing = processingMillis(from);
        return new Step(rate, count / sendSeconds, count, ok.get(), refused.get(), errors.get(), OpenWorkloadBench.millis(answers),
                (int) progress[0], (int) progress[1], Arrays.copyOf(processing, 3), processing[3], cpu);
    }

    static final AtomicLong MSG_IDS = new AtomicLong(System.currentTimeMillis() * 1000);

    static HttpRequest callback(int port, String openid, long timestamp, String content, long msgId) {
        String nonce = Long.toString(msgId);
        String encrypted = WeChatCallbacks.encrypt(AES_KEY, APP, WeChatCallbacks.mpText("gh_bench", openid, timestamp, content, msgId));
        String query = "?signature=" + WeChatCallbacks.signature(TOKEN, Long.toString(timestamp), nonce) + "&timestamp=" + timestamp
                + "&nonce=" + nonce + "&encrypt_type=aes&msg_signature=" + WeChatCallbacks.msgSignature(TOKEN, Long.toString(timestamp), nonce, encrypted)
                + "&openid=" + openid;
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/callback/mp/" + APP + query)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString(WeChatCallbacks.encryptedBody("gh_bench", encrypted)))
                .build();
    }

    /** {done, pending} of this account's callbacks received since {@code from}. */
    static long[] processed(Instant from) throws Exception {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement("""
                select count(*) filter (where i.status = 'done'), count(*) filter (where i.status = 'pending')
                from chat.channel_inbound i join chat.channel_account a on a.id = i.account_id
                where a.app_id = ? and i.received_at >= ?""")) {
            query.setString(1, APP);
            query.setTimestamp(2, Timestamp.from(from));
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return new long[] {row.getLong(1), row.getLong(2)};
            }
        }
    }

    /** received → processed p50/p95/p99 in ms, and processed rows per second over the step. */
    static double[] processingMillis(Instant from) throws Exception {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement("""
                select percentile_cont(array[0.5, 0.95, 0.99]) within group (order by extract(epoch from i.processed_at - i.received_at) * 1000),
                       count(*) / greatest(extract(epoch from max(i.processed_at) - min(i.received_at)), 0.001)
                from chat.channel_inbound i join chat.channel_account a on a.id = i.account_id
                where a.app_id = ? and i.received_at >= ? and i.status = 'done'""")) {
            query.setString(1, APP);
            query.setTimestamp(2, Timestamp.from(from));
            try (ResultSet row = query.executeQuery()) {
                row.next();
                java.sql.Array array = row.getArray(1);
                if (array == null) {
                    return new double[] {-1, -1, -1, 0};
                }
                Double[] p = (Double[]) array.getArray();
                return new double[] {p[0], p[1], p[2], row.getDouble(2)};
            }
        }
    }

    static Connection connect() throws Exception {
        Map<String, String> infra = KefuInfrastructure.springProperties();
        return DriverManager.getConnection(infra.get("spring.datasource.url"), infra.get("spring.datasource.username"),
                infra.get("spring.datasource.password"));
    }
}
