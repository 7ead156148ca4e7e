package io.kefu.deploy.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 15's socket capacity: {@code bench.sockets.customers} customers (default 10,000) and
 * {@code bench.sockets.agents} agents (default 500) hold STOMP sessions through the gateway on one
 * chat-service instance, with all eight services running ({@link ChatBenchmarkSimulation.Suite}); past
 * 9,000 sessions through several gateway instances, round robin ({@link #GATEWAYS}: open files). Every
 * session CONNECTs with its JWT, subscribes to its messages, acks, errors (and conversations, to know
 * when routing gave it an agent), proves its subscriptions with a ping/pong, and heart-beats (10 s both
 * ways) for the whole run. Customers then send two or three messages each at {@code bench.sockets.rate}
 * msg/s; agents receive those sent once the conversation was theirs (the first message of a conversation
 * reaches its agent with the history, not live). Then everyone is at rest for {@code bench.sockets.rest-seconds}.
 * <p>
 * Printed: sessions connected and dropped (any ERROR frame, transport close or error, or three missed
 * server heart-beats), messages sent / acked / delivered, resident memory ({@code VmRSS}) and CPU % at rest
 * and open files of chat-service, each gateway and this load generator before connecting and with all
 * sessions held, chat's heap in use after a full GC with all sessions held, the connect rate and the time
 * to connect everyone, with the load average. The load generator is
 * {@link RawStomp}: one JDK HttpClient and one heart-beat thread for every session.
 * Run with {@code make bench-sockets}; not part of {@code make test}.
 */
class SocketCapacityBench {

    static final int CUSTOMERS = Integer.getInteger("bench.sockets.customers", 10_000);
    static final int AGENTS = Integer.getInteger("bench.sockets.agents", 500);
    static final int RATE = Integer.getInteger("bench.sockets.rate", 200);
    static final int REST_SECONDS = Integer.getInteger("bench.sockets.rest-seconds", 60);
    static final int CONNECTING = Integer.getInteger("bench.sockets.connect-parallelism", 64);
    /** false: stop after the first rest (chat's cost of idle sessions alone, in a few minutes). */
    static final boolean MESSAGES = Boolean.parseBoolean(System.getProperty("bench.sockets.messages", "true"));
    static final int SIGNING_IN = Integer.getInteger("bench.sockets.login-parallelism", 16);
    /**
     * Gateway instances the sessions are spread over, round robin (default: enough that none holds more than
     * 9,000). A gateway holds two sockets per session (the client's and its own to chat), and this machine's
     * container allows 20,000 open files per process ({@code ulimit -Hn}, not to be raised from inside), so
     * 10,500 sessions do not fit through one gateway process here. The gateway keeps no state of its own;
     * production puts a load balancer in front of several. Chat stays one instance.
     */
    static final int GATEWAYS = Integer.getInteger("bench.sockets.gateways", Math.max(1, (CUSTOMERS + AGENTS + 8_999) / 9_000));
    /**
     * chat-service's -Xmx for this bench only (empty: the suite's 384 MB, {@link ServiceProcess#TEST_FLAGS}). Past 2,000
     * sessions by default 384 MB and 110 KB a session (1,511 MB for 10,500): with 10,500 sessions chat kept 1,066 MB
     * live after a full GC (2026-11-30; Tomcat's buffers and the STOMP sessions), more than the suite's 384 MB.
     */
    static final String CHAT_HEAP = System.getProperty("bench.sockets.chat-heap",
            CUSTOMERS + AGENTS > 2_000 ? (384 + (CUSTOMERS + AGENTS) * 110L / 1024) + "m" : "").trim();
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Everything the sockets saw. */
    final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger acked = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    /** A SEND refused for now (503 service-unavailable, 429, 500) is sent again, as the client does: its body by clientMsgId. */
    final Map<String, String> bodies = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final AtomicInteger resent = new AtomicInteger();
    final AtomicInteger gaveUp = new AtomicInteger();
    static final int MAX_RESENDS = 10;
    final java.util.concurrent.ScheduledExecutorService resending = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    final AtomicInteger errorMessages = new AtomicInteger();
    /** Customers' /user/queue/errors frames by code. */
    final Map<String, AtomicInteger> errorCodes = new ConcurrentHashMap<>();
    final AtomicInteger deliveredToAgents = new AtomicInteger();
    /** clientMsgIds sent after the customer's conversation had an agent: each must reach that agent live. */
    final Set<String> awaitingDelivery = ConcurrentHashMap.newKeySet();
    final AtomicInteger expectedDeliveries = new AtomicInteger();
    /** Customer index → their conversation has an agent. */
    final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
    final List<Long> ackNanos = java.util.Collections.synchronizedList(new ArrayList<>());

    @Test
    void holdTenThousandSessions() throws Exception {
        Map<String, Map<String, String>> settings = Map.of("gateway", Map.of(
                // One address signs in and connects everyone: the per-address guards would otherwise pace the run (as in bench-open).
                "KEFU_RATE_LIMIT_LOGIN_RATE", "100000",
                "KEFU_RATE_LIMIT_LOGIN_BURST", "600000",
                "KEFU_RATE_LIMIT_WECHAT_IP_RATE", "100000",
                "KEFU_RATE_LIMIT_WECHAT_IP_BURST", "200000"));
        if (!CHAT_HEAP.isEmpty()) {
            // After the suite's flags on chat's command line: the last -Xmx counts.
            System.setProperty("e2e.jvm-args.chat-service", (System.getProperty("e2e.jvm-args.chat-service", "") + " -Xmx" + CHAT_HEAP).trim());
        }
        ChatBenchmarkSimulation.Suite suite = ChatBenchmarkSimulation.Suite.start(0, AGENTS, Math.max(100, 2 * CUSTOMERS / Math.max(1, AGENTS)),
                settings);
        try (RawStomp stomp = new RawStomp(HEARTBEAT)) {
            for (int g = 1; g < GATEWAYS; g++) {
                suite.services().startAnotherGateway();
            }
            List<String> customerTokens = signIn(suite, CUSTOMERS);
            Map<String, List<Long>> processes = processes(suite);
            System.out.printf("%nSOCKETS %d customers + %d agents through %d gateway(s) to one chat-service (chat %s), all eight services on "
                    + "this machine (%d cores; open files allowed per process: %s; load average %s)%n", CUSTOMERS, AGENTS, GATEWAYS,
                    CHAT_HEAP.isEmpty() ? "with the suite's heap" : "-Xmx" + CHAT_HEAP, Runtime.getRuntime().availableProcessors(),
                    openFilesLimit(), loadAverage());
            if (GATEWAYS > 1) {
                System.out.printf("GATEWAYS: %d instances with the same settings, sessions spread round robin (as a load balancer would): a gateway "
                        + "holds two sockets per session (%d sessions through one gateway: about %d descriptors) and this container allows %s "
                        + "open files per process; chat-service is still one instance%n", GATEWAYS, CUSTOMERS + AGENTS, 2 * (CUSTOMERS + AGENTS) + 100,
                        openFilesLimit());
            }
            Rest before = Rest.measure(processes, 20);
            before.print("AT REST before connecting");

            List<URI> ws = suite.services().gateways().stream().map(g -> URI.create("ws://127.0.0.1:" + g.port() + "/ws")).toList();
            long start = System.nanoTime();
            List<RawStomp.Session> agents = connectAll(stomp, ws, suite.agentTokens(), i -> this::agentFrame,
                    "/user/queue/messages", "/user/queue/acks", "/user/queue/errors");
            double agentSeconds = (System.nanoTime() - start) / 1e9;
            long customersStart = System.nanoTime();
            List<RawStomp.Session> customers = connectAll(stomp, ws, customerTokens, i -> (s, f) -> customerFrame(i, s, f),
                    "/user/queue/messages", "/user/queue/acks", "/user/queue/errors", "/user/queue/conversations");
            double customerSeconds = (System.nanoTime() - customersStart) / 1e9;
            double allSeconds = (System.nanoTime() - start) / 1e9;
            long connected = agents.stream().filter(s -> s != null).count() + customers.stream().filter(s -> s != null).count();
            System.out.printf("%nCONNECTED %d of %d sessions (CONNECT with JWT, 4-5 subscriptions, ping → pong) in %.1f s: %.0f sessions/s "
                    + "(agents %d in %.1f s, customers %d in %.1f s = %.0f/s; %d at a time; load average %s)%n", connected,
                    AGENTS + CUSTOMERS, allSeconds, connected / allSeconds, agents.stream().filter(s -> s != null).count(), agentSeconds,
                    customers.stream().filter(s -> s != null).count(), customerSeconds,
                    customers.stream().filter(s -> s != null).count() / customerSeconds, CONNECTING, loadAverage());
            if (GATEWAYS > 1) {
                StringBuilder spread = new StringBuilder("SESSIONS per gateway:");
                for (int g = 0; g < GATEWAYS; g++) {
                    int gateway = g;
                    long count = java.util.stream.IntStream.range(0, agents.size()).filter(i -> i % GATEWAYS == gateway && agents.get(i) != null).count()
                            + java.util.stream.IntStream.range(0, customers.size()).filter(i -> i % GATEWAYS == gateway && customers.get(i) != null).count();
                    spread.append(String.format(" gateway-%d %d;", g + 1, count));
                }
                System.out.println(spread);
            }
            printDrops(stomp, "after connecting");

            Rest held = Rest.measure(processes, REST_SECONDS);
            held.print("AT REST with every session held (heart-beats only)");
            printChatHeap(suite);
            printDrops(stomp, "after the first rest");
            if (!MESSAGES) {
                return;
            }

            // Round 1 opens each customer's conversation; rounds 2 and 3 (every other customer) go to its agent live.
            long messagesStart = System.nanoTime();
            sendRound(customers, i -> true);
            awaitAcks(Duration.ofSeconds(120));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (assigned.size() < connectedCustomers(customers) && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            System.out.printf("ASSIGNED %d of %d conversations to an agent (load average %s)%n", assigned.size(), connectedCustomers(customers),
                    loadAverage());
            sendRound(customers, i -> true);
            sendRound(customers, i -> i % 2 == 0);
            awaitAcks(Duration.ofSeconds(120));
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!awaitingDelivery.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            double messageSeconds = (System.nanoTime() - messagesStart) / 1e9;
            long[] acks = ackNanos.stream().mapToLong(n -> TimeUnit.NANOSECONDS.toMillis(n)).sorted().toArray();
            System.out.printf("%nMESSAGES sent %d, acked %d, refused %d times (resent %d, given up %d after %d resends or a final refusal), "
                            + "not acked %d, /user/queue/errors %d in %.0f s (%d msg/s offered; first SEND → ack p50 %d ms, p99 %d ms)%n",
                    sent.get(), acked.get(), refused.get(), resent.get(), gaveUp.get(), MAX_RESENDS, sentAt.size(), errorMessages.get(),
                    messageSeconds, RATE, percentile(acks, 50), percentile(acks, 99));
            if (!errorCodes.isEmpty()) {
                System.out.println("ERRORS to customers by code: " + RawStomp.lines(errorCodes));
            }
            System.out.printf("DELIVERED to agents live: %d of the %d sent after assignment are missing (%d customer messages received by agents "
                    + "in all; a conversation's first message reaches its agent with the history)%n", awaitingDelivery.size(),
                    expectedDeliveries.get(), deliveredToAgents.get());

            Rest after = Rest.measure(processes, REST_SECONDS);
            after.print("AT REST with every session held, after the messages");
            int still = (int) (agents.stream().filter(s -> s != null && !s.gone).count() + customers.stream().filter(s -> s != null && !s.gone).count());
            System.out.printf("%nHELD %d of %d sessions at the end; %d server heart-beats received; load average %s%n", still, AGENTS + CUSTOMERS,
                    stomp.heartbeatsReceived.get(), loadAverage());
            printDrops(stomp, "in all");
        } finally {
            suite.stop();
        }
    }

    /** Customers signed in through the gateway (POST /api/auth/wechat, WireMock as jscode2session), a few at a time. */
    List<String> signIn(ChatBenchmarkSimulation.Suite suite, int count) throws Exception {
        String[] tokens = new String[count];
        Semaphore permits = new Semaphore(SIGNING_IN);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int index = i;
            permits.acquire();
            all.add(signInOne(suite, index, 0).thenAccept(token -> tokens[index] = token).whenComplete((ok, failed) -> permits.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        System.out.printf("SIGNED IN %d customers in %.1f s (%d at a time)%n", count, (System.nanoTime() - start) / 1e9, SIGNING_IN);
        return List.of(tokens);
    }

    CompletableFuture<String> signInOne(ChatBenchmarkSimulation.Suite suite, int index, int attempt) {
        String body = ChatBenchmarkSimulation.JSON.writeValueAsString(Map.of("code", "s" + index + "-" + UUID.randomUUID(), "appId", suite.miniAppId()));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + suite.gatewayPort() + "/api/auth/wechat"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            if (response.statusCode() == 200) {
                return CompletableFuture.completedFuture(ChatBenchmarkSimulation.JSON.readTree(response.body()).path("accessToken").asString());
            }
            // 503: the gateway's breaker on auth opened (auth slower than 10 s on a busy machine); it half-opens after 10 s.
            if (attempt < 30 && (response.statusCode() == 429 || response.statusCode() >= 500)) {
                return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS))
                        .thenCompose(ignored -> signInOne(suite, index, attempt + 1));
            }
            throw new IllegalStateException("customer sign-in answered " + response.statusCode() + ": " + response.body());
        });
    }

    /**
     * Connects every token: socket, CONNECT, subscriptions, then a ping whose pong proves the
     * subscriptions are in place (a session's frames are handled in order). {@link #CONNECTING} at a time;
     * the i-th token through the (i mod n)-th gateway.
     */
    List<RawStomp.Session> connectAll(RawStomp stomp, List<URI> gateways, List<String> tokens,
            java.util.function.IntFunction<java.util.function.BiConsumer<RawStomp.Session, RawStomp.Frame>> handlers, String... destinations)
            throws InterruptedException {
        RawStomp.Session[] sessions = new RawStomp.Session[tokens.size()];
        Semaphore permits = new Semaphore(CONNECTING);
        List<CompletableFuture<?>> all = new ArrayList<>();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            int index = i;
            permits.acquire();
            CompletableFuture<Void> pong = new CompletableFuture<>();
            java.util.function.BiConsumer<RawStomp.Session, RawStomp.Frame> handler = handlers.apply(index);
            all.add(stomp.connect(gateways.get(i % gateways.size()), tokens.get(i), (session, frame) -> {
                        if (frame.destination().equals("/user/queue/pong")) {
                            pong.complete(null);
                        } else {
                            handler.accept(session, frame);
                        }
                    })
                    .thenCompose(session -> {
                        for (String destination : destinations) {
                            session.subscribe(destination);
                        }
                        session.subscribe("/user/queue/pong");
                        session.sendJson("/app/chat.ping", "{}");
                        return pong.orTimeout(60, TimeUnit.SECONDS).thenApply(ignored -> session);
                    })
                    .whenComplete((session, failed) -> {
                        permits.release();
                        if (failed == null) {
                            sessions[index] = session;
                        } else {
                            failures.computeIfAbsent(RawStomp.rootCause(failed), k -> new AtomicInteger()).incrementAndGet();
                        }
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        if (!failures.isEmpty()) {
            System.out.println("NOT CONNECTED: " + RawStomp.lines(failures));
        }
        return java.util.Arrays.asList(sessions);
    }

    void agentFrame(RawStomp.Session session, RawStomp.Frame frame) {
        switch (frame.destination()) {
            case "/user/queue/messages" -> {
                JsonNode message = ChatBenchmarkSimulation.JSON.readTree(frame.body());
                if ("customer".equals(message.path("senderType").asString())) {
                    deliveredToAgents.incrementAndGet();
                    awaitingDelivery.remove(message.path("clientMsgId").asString());
                }
            }
            case "/user/queue/errors" -> errorMessages.incrementAndGet();
            default -> { }
        }
    }

    void customerFrame(int customer, RawStomp.Session session, RawStomp.Frame frame) {
        switch (frame.destination()) {
            case "/user/queue/acks" -> {
                JsonNode ack = ChatBenchmarkSimulation.JSON.readTree(frame.body());
                Long at = sentAt.remove(ack.path("clientMsgId").asString());
                if (at == null) {
                    return;
                }
                if ("sent".equals(ack.path("status").asString())) {
                    acked.incrementAndGet();
                    ackNanos.add(System.nanoTime() - at);
                } else {
                    refused.incrementAndGet();
                }
            }
            case "/user/queue/conversations" -> {
                if (!ChatBenchmarkSimulation.JSON.readTree(frame.body()).path("agentId").isNull()
                        && !ChatBenchmarkSimulation.JSON.readTree(frame.body()).path("agentId").isMissingNode()) {
                    assigned.add(customer);
                }
            }
            case "/user/queue/errors" -> {
                // A refused SEND is answered here with its clientMsgId instead of an ack.
                errorMessages.incrementAndGet();
                JsonNode error = ChatBenchmarkSimulation.JSON.readTree(frame.body());
                String id = error.path("clientMsgId").asString();
                int status = error.path("status").asInt();
                if (sentAt.containsKey(id)) {
                    refused.incrementAndGet();
                    String body = bodies.get(id);
                    if ((status == 503 || status == 429 || status == 500) && body != null
                            && attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() <= MAX_RESENDS) {
                        // Sent again after 1–3 s with the same clientMsgId (idempotent); its ack is timed from the first send.
                        resending.schedule(() -> {
                            if (!session.gone) {
                                resent.incrementAndGet();
                                session.sendJson("/app/chat.send", body);
                            }
                        }, 1000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(2000), TimeUnit.MILLISECONDS);
                    } else {
                        sentAt.remove(id);
                        awaitingDelivery.remove(id);
                        gaveUp.incrementAndGet();
                    }
                }
                // The first few in full, then counted by code (printed with the messages' figures).
                if (errorCodes.computeIfAbsent(error.path("code").asString() + (error.path("clientMsgId").isNull() ? " (no clientMsgId)" : ""),
                        k -> new AtomicInteger()).incrementAndGet() <= 3) {
                    System.out.println("ERROR on /user/queue/errors: " + frame.body());
                }
            }
            default -> { }
        }
    }

    /** One message from each chosen, connected customer, at {@link #RATE} a second. */
    void sendRound(List<RawStomp.Session> customers, java.util.function.IntPredicate who) {
        long interval = 1_000_000_000L / RATE;
        long next = System.nanoTime();
        for (int i = 0; i < customers.size(); i++) {
            RawStomp.Session session = customers.get(i);
            if (session == null || session.gone || !who.test(i)) {
                continue;
            }
            long now;
            while ((now = System.nanoTime()) < next) {
                LockSupport.parkNanos(Math.min(next - now, 500_000));
            }
            next += interval;
            String id = i + ":" + UUID.randomUUID();
            if (assigned.contains(i)) {
                awaitingDelivery.add(id);
                expectedDeliveries.incrementAndGet();
            }
            sentAt.put(id, System.nanoTime());
            sent.incrementAndGet();
            // No conversation id: a customer's message goes to their open conversation, as the mini-program sends it.
            String body = "{\"content\":\"你好，我的订单还没到 " + i + "\",\"clientMsgId\":\"" + id + "\"}";
            bodies.put(id, body);
            session.sendJson("/app/chat.send", body);
        }
    }

    void awaitAcks(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!sentAt.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    static long connectedCustomers(List<RawStomp.Session> customers) {
        return customers.stream().filter(s -> s != null && !s.gone).count();
    }

    static void printDrops(RawStomp stomp, String when) {
        System.out.printf("DROPPED %s: %d%s%n", when, stomp.dropped(), stomp.dropped() == 0 ? "" : " " + RawStomp.lines(stomp.drops));
    }

    /** chat-service, each gateway (and their sum when there are several) and this JVM. */
    static Map<String, List<Long>> processes(ChatBenchmarkSimulation.Suite suite) {
        Map<String, List<Long>> processes = new LinkedHashMap<>();
        processes.put("chat-service", List.of(suite.services().service("chat-service").pid()));
        List<Long> gateways = suite.services().gateways().stream().map(ServiceProcess::pid).toList();
        if (gateways.size() == 1) {
            processes.put("gateway", gateways);
        } else {
            for (int g = 0; g < gateways.size(); g++) {
                processes.put("gateway-" + (g + 1), List.of(gateways.get(g)));
            }
            processes.put("gateways together", gateways);
        }
        processes.put("load-generator", List.of(ProcessHandle.current().pid()));
        return processes;
    }

    /**
     * chat-service's heap in use right after a full collection (jcmd GC.run, then GC.heap_info; the generations'
     * lines, e.g. {@code DefNew total 116160K, used 31021K} and {@code Tenured ...}): what its sessions keep live.
     */
    static void printChatHeap(ChatBenchmarkSimulation.Suite suite) {
        long pid = suite.services().service("chat-service").pid();
        try {
            jcmd(pid, "GC.run");
            long usedKb = 0;
            long totalKb = 0;
            for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\S.* total (\\d+)K, used (\\d+)K").matcher(line);
                if (m.find()) {
                    totalKb += Long.parseLong(m.group(1));
                    usedKb += Long.parseLong(m.group(2));
                }
            }
            System.out.printf("CHAT HEAP after a full GC: %d MB used of %d MB committed (%s; load average %s)%n", usedKb / 1024, totalKb / 1024,
                    CHAT_HEAP.isEmpty() ? "the suite's -Xmx" : "-Xmx" + CHAT_HEAP, loadAverage());
        } catch (Exception e) {
            System.out.println("CHAT HEAP not read: " + e);
        }
    }

    static String jcmd(long pid, String command) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid), command)
                .redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    /** This process's limit on open files (the services' are the same: they inherit it). */
    static String openFilesLimit() {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                    .map(l -> l.replaceAll("Max open files\\s+(\\S+)\\s+(\\S+).*", "$1 (hard $2)")).findFirst().orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** Resident memory at the end and CPU % over a quiet window, per process. */
    record Rest(int seconds, Map<String, Double> cpuPercent, Map<String, Long> rssMegabytes, Map<String, Long> openFiles, String loadAverage) {

        static Rest measure(Map<String, List<Long>> processes, int seconds) throws InterruptedException {
            Map<String, Long> before = OpenWorkloadBench.CpuAccounts.snapshot(processes);
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            Map<String, Long> after = OpenWorkloadBench.CpuAccounts.snapshot(processes);
            Map<String, Double> cpu = new LinkedHashMap<>();
            after.forEach((name, ms) -> cpu.put(name, 100.0 * (ms - before.getOrDefault(name, 0L)) / (seconds * 1000.0)));
            Map<String, Long> rss = new LinkedHashMap<>();
            processes.forEach((name, pids) -> rss.put(name, pids.stream().mapToLong(Rest::rssKilobytes).sum() / 1024));
            Map<String, Long> files = new LinkedHashMap<>();
            processes.forEach((name, pids) -> files.put(name, pids.stream().mapToLong(Rest::openFiles).sum()));
            return new Rest(seconds, cpu, rss, files, SocketCapacityBench.loadAverage());
        }

        static long openFiles(long pid) {
            try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                return fds.count();
            } catch (Exception gone) {
                return 0;
            }
        }

        static long rssKilobytes(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (Exception gone) {
                // the process ended
            }
            return 0;
        }

        void print(String what) {
            StringBuilder line = new StringBuilder(String.format("%s (%d s; load average %s):", what, seconds, loadAverage));
            cpuPercent.forEach((name, cpu) -> line.append(String.format(" %s RSS %d MB CPU %.1f %% open files %d;", name, rssMegabytes.get(name), cpu,
                    openFiles.get(name))));
            System.out.println(line.append(" (CPU % of one core)"));
        }
    }

    static String loadAverage() {
        return OpenWorkloadBench.loadAverage();
    }

    static long percentile(long[] sorted, int p) {
        return OpenWorkloadBench.percentile(sorted, p);
    }
}
