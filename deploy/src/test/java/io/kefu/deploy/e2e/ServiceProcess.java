package io.kefu.deploy.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.kefu.deploy.CodeFacts;
import io.kefu.testsupport.KefuInfrastructure;

/**
 * One Kefu service running from its built jar in a process of its own, as `make run` starts it,
 * pointed at the test run's database, vhost and Redis. End-to-end tests go through these
 * processes, so what they prove is what users get, not what a shared test context happens to do.
 */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String module;
    private final int port;
    private final Process process;
    private final Path log;

    private ServiceProcess(String module, int port, Process process, Path log) {
        this.module = module;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code module} on {@code port} with extra {@code --key=value} settings and waits until it is ready. */
    static ServiceProcess start(String module, int port, Map<String, String> settings, Duration timeout) throws Exception {
        Path jar = jar(module);
        Path logs = CodeFacts.ROOT.resolve("deploy/target/e2e-logs");
        Files.createDirectories(logs);
        // One log per start: a service killed and started again keeps the killed process's log to read.
        Path log = logs.resolve(module + ".log");
        for (int n = 2; STARTED_LOGS.contains(log); n++) {
            log = logs.resolve(module + "-" + n + ".log");
        }
        STARTED_LOGS.add(log);
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(List.of(jvmFlags(module).split("\\s+")));
        command.add("--enable-native-access=ALL-UNNAMED");
        // Extra JVM options for one service, e.g. -De2e.jvm-args.chat-service=-XX:StartFlightRecording=... (benchmarks).
        String extra = System.getProperty("e2e.jvm-args." + module, "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port));
        if (module.equals("gateway")) {
            command.add("--management.server.port=0"); // its actuator has a port of its own: any free one here
        }
        // A setting given by the test replaces the infrastructure's (a key given twice would be read as "a,b").
        Map<String, String> all = new java.util.LinkedHashMap<>(KefuInfrastructure.springProperties());
        all.putAll(settings);
        all.forEach((k, v) -> command.add("--" + k + "=" + v));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        STARTED.add(process);
        ServiceProcess service = new ServiceProcess(module, port, process, log);
        service.awaitReady(timeout);
        return service;
    }

    /**
     * Every service this JVM started and has not stopped: killed when the JVM exits, so that a run that
     * fails half-way (a service not ready in time, the test JVM ending while others are still starting)
     * leaves no service behind consuming events from the next run's queues.
     */
    private static final java.util.Set<Process> STARTED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The logs this JVM's starts wrote (a later test run's first start overwrites an earlier run's log, as before). */
    private static final java.util.Set<Path> STARTED_LOGS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly), "e2e-service-reaper"));
    }

    /** What the e2e tests start services with: C1 only, the serial collector, a small heap — half the start-up CPU of a full JIT, and these runs are short. */
    static final String TEST_FLAGS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx384m";
    /**
     * The full JIT (C1 then C2), as the images run (jib sets no JIT flag), for a benchmark run with
     * {@code -Dbench.jit=c2}; the serial collector and a heap cap still, eight JVMs sharing two cores.
     */
    static final String BENCH_FLAGS = "-XX:+UseSerialGC -Xmx512m";

    /** {@code e2e.jvm-flags} (a benchmark with {@code -Dbench.jit=c2} sets {@link #BENCH_FLAGS}), or {@link #TEST_FLAGS}; kb-ai with the Vector API, as its image and {@code make run} start it. */
    private static String jvmFlags(String module) {
        String flags = System.getProperty("e2e.jvm-flags", TEST_FLAGS).trim();
        return module.equals("kb-ai-service") ? flags + " --add-modules=jdk.incubator.vector" : flags;
    }

    /** The operating system's process id (for CPU accounts, JFR, or a kill -9). */
    long pid() {
        return process.pid();
    }

    String module() {
        return module;
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops the process the way an operator would (SIGTERM, graceful shutdown). */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        STARTED.remove(process);
    }

    /** Kills the process at once (SIGKILL, as {@code kill -9}): no shutdown hook, nothing flushed or acknowledged. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        STARTED.remove(process);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void awaitReady(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + "; log: " + tail());
            }
            try {
                // The gateway's public port has no actuator; it answers its readiness as /readyz.
                String readiness = module.equals("gateway") ? "/readyz" : "/actuator/health/readiness";
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + readiness))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        process.destroyForcibly();
        throw new IllegalStateException(module + " not ready within " + timeout + "; log: " + tail());
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static Path jar(String module) throws IOException {
        Path target = CodeFacts.ROOT.resolve(module).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches(java.util.regex.Pattern.quote(module) + "-[0-9].*\\.jar"))
                    .filter(f -> !f.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no jar of " + module + " in " + target + ": package it first"));
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
