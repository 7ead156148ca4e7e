package io.kefu.push;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kefu.common.config.LiveProperties;
import io.kefu.push.sender.SenderProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The figures of issue 13, printed as {@code [bench]} lines (not a test: its name is outside the test
 * includes; run it with {@code make bench-push}).
 * First the played provider's own rate (10,000 POSTs from 200 concurrent clients, no service in between),
 * as a ceiling. Each run sends a 10,000-recipient priority-1 SMS batch to the played Aliyun and, while the batch is
 * being dispatched, {@code kefu.bench.urgent} (5) priority-9 messages 200 ms apart; it measures the batch's
 * accept time (request → 202), its time to full dispatch (request → last sent_at) and each priority-9
 * message's accepted → sent latency (created_at → sent_at). After {@code kefu.bench.runs} (5) runs it prints
 * p50/p99 of each. Nothing is asserted about time: the machine is shared, the figures are recorded with
 * its load average in the README.
 */
class PushBenchmark extends PushItSupport {

    static final int BATCH = 10_000;

    /**
     * The played Aliyun of the batches ({@code -Dkefu.bench.provider=jdk}, the default): a JDK HTTP server that
     * answers every signed SendSms with success and counts ({@link PlayedAliyun}), as cheap to this machine as a
     * remote provider is. WireMock, even tuned as below (more threads, asynchronous responses, no journal),
     * served only 2,300-2,800 POSTs/s alone using both cores, so at the target's 2,000/s it would take most of
     * the CPU the service is measured on; {@code -Dkefu.bench.provider=wiremock} sends the batches to it (the
     * earlier rounds' figures). The rate of each alone is printed first.
     */
    static final WireMockServer TUNED_WIREMOCK = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(100)
            .asynchronousResponseEnabled(true).asynchronousResponseThreads(8).disableRequestJournal());
    static final PlayedAliyun PLAYED = new PlayedAliyun();
    static final boolean ON_WIREMOCK = "wiremock".equals(System.getProperty("kefu.bench.provider", "jdk"));
    static final String PROVIDER = ON_WIREMOCK ? "tuned WireMock" : "JDK HTTP server";

    static {
        TUNED_WIREMOCK.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            TUNED_WIREMOCK.stop();
            PLAYED.close();
        }));
    }

    @Autowired
    ConfigurableEnvironment environment;
    @Autowired
    ApplicationEventPublisher publisher;

    @Autowired
    LiveProperties<SenderProperties> senders;

    @Autowired
    MeterRegistry meters;

    @AfterEach
    void backToTheTestsProvider() {
        environment.getPropertySources().remove("push-benchmark");
        publisher.publishEvent(new EnvironmentChangeEvent(Set.of("kefu.push.senders.aliyun.base-url")));
    }

    @Test
    void printTheFigures() {
        int runs = Integer.getInteger("kefu.bench.runs", 5);
        int urgentPerRun = Integer.getInteger("kefu.bench.urgent", 5);
        aliyunAnswersOk(TUNED_WIREMOCK);
        aliyunAnswersOk(WIREMOCK);
        System.out.printf("[bench] load average %s%n", loadAverage());
        String played = ON_WIREMOCK ? TUNED_WIREMOCK.baseUrl() : PLAYED.baseUrl();
        // Hot config, as a Nacos refresh would do it (the context stays the one the ITs share).
        environment.getPropertySources().addFirst(new MapPropertySource("push-benchmark",
                Map.of("kefu.push.senders.aliyun.base-url", played)));
        publisher.publishEvent(new EnvironmentChangeEvent(Set.of("kefu.push.senders.aliyun.base-url")));
        assertThat(senders.get().aliyun().baseUrl()).as("the batch goes to the benchmark's played provider").isEqualTo(played);
        System.out.printf("[bench] the batches go to the %s%n", PROVIDER);
        providerAlone(TUNED_WIREMOCK.baseUrl(), "WireMock as the earlier rounds tuned it (100 container threads, asynchronous responses, "
                + "no request journal)", 200);
        TUNED_WIREMOCK.resetRequests();
        providerAlone(PLAYED.baseUrl(), "JDK HTTP server on virtual threads (PlayedAliyun)", 200);
        PLAYED.reset();
        List<Long> accepted = new ArrayList<>();
        List<Long> dispatched = new ArrayList<>();
        List<Long> urgent = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Map<String, double[]> stepsBefore = steps();
            long cpuBefore = cpuNanos();
            UUID tenant = UUID.randomUUID();
            String admin = admin(tenant);
            UUID template = template(admin, smsTemplate("bench-" + UUID.randomUUID()));
            List<String> recipients = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                recipients.add(String.format("1390%07d", i));
            }
            Map<String, Object> body = Map.of("template_id", template, "recipients", recipients,
                    "variables", Map.of("order_no", "bulk", "customer_name", "客户"), "priority", 1);
            long t0 = System.nanoTime();
            Response batch = call("POST", "/api/messages/send-batch", body, admin);
            long acceptMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(batch.status()).as(batch.toString()).isEqualTo(202);
            UUID batchId = UUID.fromString(batch.body().path("batchId").asString());

            await("the batch is being dispatched", Duration.ofMinutes(5), () -> sent(batchId) >= 300);
            List<UUID> urgentIds = new ArrayList<>();
            for (int i = 0; i < urgentPerRun; i++) {
                Response r = call("POST", "/api/messages/send", Map.of("template_id", template, "recipient", String.format("1370000%04d", i),
                        "variables", Map.of("order_no", "urgent", "customer_name", "VIP"), "priority", 9), admin);
                assertThat(r.status()).isEqualTo(202);
                urgentIds.add(UUID.fromString(r.body().path("messageId").asString()));
                sleep(200);
            }
            try {
                await("the batch is dispatched", Duration.ofMinutes(3), () -> sent(batchId) == BATCH);
            } catch (AssertionError e) {
                // a retried message waits for push-dispatch-due, whose cron is off in the tests: say so instead of hanging
                throw new AssertionError(e.getMessage() + "; statuses " + jdbc.queryForList(
                        "select status, count(*), max(failure_reason) from message where batch_id = ? group by status", batchId), e);
            }
            long dispatchMillis = jdbc.queryForObject("""
                    select (extract(epoch from max(m.sent_at) - b.created_at) * 1000)::bigint
                    from message m join batch b on b.id = m.batch_id where b.id = ? group by b.created_at""", Long.class, batchId);
            long cpuMicrosPerMessage = (cpuNanos() - cpuBefore) / 1_000 / BATCH;
            List<Long> latencies = new ArrayList<>();
            List<String> split = new ArrayList<>();
            for (UUID id : urgentIds) {
                await("the urgent message is sent", Duration.ofMinutes(5), () -> "sent".equals(status(id)));
                latencies.add(jdbc.queryForObject("select (extract(epoch from sent_at - created_at) * 1000)::bigint from message where id = ?",
                        Long.class, id));
                // accepted → claimed (commit, publication, broker, the urgent consumer) + claimed → sent (the lane's own steps)
                split.add(jdbc.queryForObject("""
                        select (extract(epoch from processed_at - created_at) * 1000)::bigint || '+'
                               || (extract(epoch from sent_at - processed_at) * 1000)::bigint from message where id = ?""", String.class, id));
            }
            long stillQueued = jdbc.queryForObject("""
                    select count(*) from message b, message u where b.batch_id = ? and u.id = ? and b.sent_at > u.sent_at""", Long.class,
                    batchId, urgentIds.getFirst());
            System.out.printf("[bench] run %d: batch of %d accepted in %d ms, fully dispatched %d ms after the request; priority-9 accepted → sent "
                    + "(ms): %s (accepted → claimed + claimed → sent: %s); batch messages sent after the first priority-9: %d%n", run, BATCH,
                    acceptMillis, dispatchMillis, latencies, split, stillQueued);
            System.out.printf("[bench] run %d: this JVM's CPU (service, played provider, benchmark) %d µs per batch message%n", run,
                    cpuMicrosPerMessage);
            cpu.add(cpuMicrosPerMessage);
            System.out.printf("[bench] run %d: load average %s; dispatch steps (lots, total ms, mean ms per lot): %s%n", run, loadAverage(),
                    stepsSince(stepsBefore));
            accepted.add(acceptMillis);
            dispatched.add(dispatchMillis);
            urgent.addAll(latencies);
        }
        if (!ON_WIREMOCK) {
            System.out.printf("[bench] the played provider answered %d requests carrying %d numbers (%d runs of %d, + %d priority-9), "
                    + "%d without a signature%n", PLAYED.requests(), PLAYED.recipients(), runs, BATCH, runs * urgentPerRun, PLAYED.unsigned());
            assertThat(PLAYED.recipients()).as("each message reached the provider once").isEqualTo((long) runs * (BATCH + urgentPerRun));
            assertThat(PLAYED.unsigned()).as("every request the senders made carries a signature").isZero();
        }
        System.out.printf("[bench] %d runs (%s): batch accepted p50 %d ms, p99 %d ms; fully dispatched p50 %d ms, p99 %d ms; "
                        + "priority-9 accepted → sent (%d messages) p50 %d ms, p99 %d ms; JVM CPU per batch message p50 %d µs%n", runs, PROVIDER, pct(accepted, 50), pct(accepted, 99),
                pct(dispatched, 50), pct(dispatched, 99), urgent.size(), pct(urgent, 50), pct(urgent, 99), pct(cpu, 50));
    }

    /**
     * A played provider alone, as a ceiling: {@code PushBenchmark.BATCH} Aliyun-shaped POSTs from
     * {@code concurrency} virtual threads through one JDK HTTP/1.1 client, as the senders make them.
     */
    private static void providerAlone(String baseUrl, String how, int concurrency) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = "Action=SendSms&Format=JSON&PhoneNumbers=13900000000&SignName=%E5%AE%A2%E6%9C%8D&TemplateCode=SMS_123456"
                + "&TemplateParam=%7B%22order_no%22%3A%22bulk%22%7D&Version=2017-05-25&Signature=abc";
        for (int round = 1; round <= 2; round++) { // the first round warms the JIT and opens the connections
            AtomicInteger next = new AtomicInteger();
            AtomicInteger ok = new AtomicInteger();
            long t0 = System.nanoTime();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < concurrency; t++) {
                    threads.submit(() -> {
                        while (next.getAndIncrement() < BATCH) {
                            try {
                                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/"))
                                        .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                                if (r.statusCode() == 200) {
                                    ok.incrementAndGet();
                                }
                            } catch (java.io.IOException e) {
                                // counted as not ok
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    });
                }
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[bench] played provider alone, " + how + " (round %d): %d POSTs from %d concurrent clients in %d ms (%d ok, %.0f/s); load average %s%n",
                    round, BATCH, concurrency, millis, ok.get(), ok.get() * 1000.0 / Math.max(1, millis), loadAverage());
        }
    }

    private Map<String, double[]> steps() {
        Map<String, double[]> steps = new java.util.TreeMap<>();
        for (Timer timer : meters.find("kefu.push.dispatch.step").timers()) {
            steps.put(timer.getId().getTag("lane") + "." + timer.getId().getTag("step"), new double[] {timer.count(), timer.totalTime(TimeUnit.MILLISECONDS)});
        }
        for (Timer timer : meters.find("hikaricp.connections.acquire").timers()) {
            steps.put("db-connection-wait", new double[] {timer.count(), timer.totalTime(TimeUnit.MILLISECONDS)});
        }
        return steps;
    }

    private String stepsSince(Map<String, double[]> before) {
        StringBuilder out = new StringBuilder();
        steps().forEach((step, now) -> {
            double[] was = before.getOrDefault(step, new double[2]);
            long lots = (long) (now[0] - was[0]);
            double total = now[1] - was[1];
            out.append(String.format("%s %d/%.0f/%.1f  ", step, lots, total, lots == 0 ? 0 : total / lots));
        });
        return out.toString().trim();
    }

    /** CPU time of this JVM so far (all its threads: the service, the played provider, the benchmark's own polling). */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private long sent(UUID batchId) {
        return jdbc.queryForObject("select count(*) from message where batch_id = ? and status = 'sent'", Long.class, batchId);
    }

    /** Nearest-rank percentile. */
    static long pct(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
