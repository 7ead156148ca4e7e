package io.kefu.deploy.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.kefu.testsupport.KefuInfrastructure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.foreach;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Customers and agents chatting through the gateway over STOMP/WebSocket, with the suite (auth, chat,
 * routing, gateway jars; WireMock as WeChat) started by the simulation itself on this machine's
 * PostgreSQL, Redis and RabbitMQ. Each customer sends {@value #MESSAGES} messages; a request is one
 * message from SEND to its ack frame (the whole accept path: gateway, JWT, rate limit, PostgreSQL,
 * outbox, relay to RabbitMQ, STOMP back). Agents are online and receive the messages routing assigns
 * them. Before the load, two raw baselines are measured in the same run and printed: a RabbitMQ
 * publish-consume loop with confirms, and a plain PostgreSQL insert loop, so the figures compare as
 * ratios. Run with {@code make bench} (settings: -Dbench.customers, -Dbench.agents, -Dbench.messages).
 */
public class ChatBenchmarkSimulation extends Simulation {

    static final int CUSTOMERS = Integer.getInteger("bench.customers", 100);
    static final int AGENTS = Integer.getInteger("bench.agents", 20);
    static final int MESSAGES = Integer.getInteger("bench.messages", 20);
    static final int BASELINE_ROUNDS = 2000;
    static final List<String> MODULES = List.of(System.getProperty("bench.services",
            "auth-service,chat-service,routing-service,push-service,ticket-service,kb-ai-service,stats-service").split(","));
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    // Started by the constructor, not a static initializer: the baselines' consumer callbacks run on
    // RabbitMQ's threads and would wait forever for this class's initialization to finish.
    final Suite suite = Suite.start();

    /** The running suite and the people of the run. */
    record Suite(WireMockServer wechat, SuiteProcesses services, int gatewayPort, String superadminToken, String tenantId,
            List<String> customerTokens, List<String> agentTokens, double rabbitBaselinePerSecond, double rabbitBaselineP50Millis,
            double postgresBaselinePerSecond, String miniAppId) {

        static Suite start() {
            return start(CUSTOMERS, AGENTS, 100, Map.of());
        }

        /**
         * The suite with {@code agents} agents online (each taking up to {@code maxConcurrentChats}) and
         * {@code customers} customers signed in; {@code settings} are extra settings per module (e.g. the
         * gateway's rate limits), applied after the benchmark's own.
         */
        static Suite start(int customerCount, int agentCount, int maxConcurrentChats, Map<String, Map<String, String>> settings) {
            // C1 only by default: measured quiet, eight JVMs on two cores in steps of 15 s spend more on C2's
            // compilations than its code gives back (deploy/README.md, "How the benchmarks start the services");
            // -Dbench.jit=c2 starts them with the full JIT, as the images run.
            System.setProperty("e2e.jvm-flags", System.getProperty("bench.jit", "c1").equals("c2") ? ServiceProcess.BENCH_FLAGS : ServiceProcess.TEST_FLAGS);
            try {
                double[] rabbit = rabbitBaseline();
                double postgres = postgresBaseline();
                WireMockServer wechat = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").globalTemplating(true));
                wechat.start();
                wechat.stubFor(get(urlPathEqualTo("/sns/jscode2session")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"openid\":\"o-bench-{{request.query.js_code}}\",\"session_key\":\"sk\"}")));
                // As WeChat answers an Official Account: a token, and customer-service messages accepted. CallbackBench's
                // followers get the AI's answers through these; without them every delivery met a 404 and was tried again.
                wechat.stubFor(get(urlPathEqualTo("/cgi-bin/token")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"bench-token\",\"expires_in\":7200}")));
                wechat.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/cgi-bin/message/custom/send"))
                        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"errcode\":0,\"errmsg\":\"ok\"}")));
                String admin = "bench-admin";
                String adminPassword = "bench-" + UUID.randomUUID();
                // All eight services, as in production: the ones the chat path does not touch still consume its events.
                SuiteProcesses.Builder suite = SuiteProcesses.of(MODULES.toArray(String[]::new))
                        .everywhere("WECHAT_API_BASE_URL", wechat.baseUrl())
                        .everywhere("KEFU_CHAT_SEND_RATE_PERMITS", "10000")
                        .setting("gateway", "KEFU_RATE_LIMIT_API_RATE", "100000")
                        .setting("gateway", "KEFU_RATE_LIMIT_API_BURST", "200000")
                        .admin(admin, adminPassword);
                settings.forEach((module, values) -> values.forEach((key, value) -> suite.setting(module, key, value)));
                // -Dbench.everywhere=KEFU_TRACE_SAMPLING=0.1,... : one setting for every service, to compare a lever A/B.
                for (String pair : System.getProperty("bench.everywhere", "").split(",")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        suite.everywhere(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                    }
                }
                SuiteProcesses services = suite.start();
                int gatewayPort = services.gateway().port();

                String superadmin = post(gatewayPort, "/api/auth/login", null, Map.of("username", admin, "password", adminPassword))
                        .path("accessToken").asString();
                String miniApp = "wx-bench-" + UUID.randomUUID().toString().substring(0, 8);
                String tenant = post(gatewayPort, "/api/admin/tenants", superadmin, Map.of("name", "bench " + UUID.randomUUID(),
                        "miniAppId", miniApp, "miniAppSecret", "s")).path("id").asString();
                List<String> agents = new ArrayList<>();
                for (int i = 0; i < agentCount; i++) {
                    String username = "bench-agent-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
                    post(gatewayPort, "/api/admin/staff", superadmin, Map.of("tenantId", tenant, "name", "agent " + i, "username", username,
                            "password", "bench-password", "roles", List.of("agent"), "department", "default", "maxConcurrentChats", maxConcurrentChats));
                    agents.add(post(gatewayPort, "/api/auth/login", null, Map.of("username", username, "password", "bench-password"))
                            .path("accessToken").asString());
                }
                for (String agent : agents) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (send(gatewayPort, "PUT", "/api/staff/status", agent, Map.of("status", "online")).statusCode() != 200) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("routing never learned of the bench agents");
                        }
                        Thread.sleep(200);
                    }
                }
                List<String> customers = new ArrayList<>();
                for (int i = 0; i < customerCount; i++) {
                    customers.add(post(gatewayPort, "/api/auth/wechat", null, Map.of("code", "c" + i + "-" + UUID.randomUUID(), "appId", miniApp))
                            .path("accessToken").asString());
                }
                return new Suite(wechat, services, gatewayPort, superadmin, tenant, customers, agents,
                        rabbit[0], rabbit[1], postgres, miniApp);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the benchmark suite", e);
            }
        }

        void stop() {
            try {
                services.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            wechat.stop();
        }
    }

    /** Messages per second and median round trip of publish (with confirm) → consume, one at a time. */
    static double[] rabbitBaseline() throws Exception {
        ConnectionFactory factory = rabbitFactory();
        try (com.rabbitmq.client.Connection connection = factory.newConnection(); Channel channel = connection.createChannel();
                Channel consumer = connection.createChannel()) {
            String queue = channel.queueDeclare("", false, true, true, Map.<String, Object>of("x-max-priority", 3)).getQueue();
            channel.confirmSelect();
            ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
            DeliverCallback onMessage = (tag, delivery) -> arrivals.add(System.nanoTime() - Long.parseLong(new String(delivery.getBody())));
            consumer.basicConsume(queue, true, onMessage, tag -> { });
            long start = System.nanoTime();
            for (int i = 0; i < BASELINE_ROUNDS; i++) {
                channel.basicPublish("", queue, null, String.valueOf(System.nanoTime()).getBytes());
                channel.waitForConfirmsOrDie(5000);
            }
            while (arrivals.size() < BASELINE_ROUNDS) {
                Thread.sleep(5);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] latencies = arrivals.stream().mapToLong(Long::longValue).sorted().toArray();
            return new double[] {BASELINE_ROUNDS / seconds, latencies[latencies.length / 2] / 1e6};
        }
    }

    /** A connection factory for the test run's RabbitMQ (host, credentials, vhost). */
    static ConnectionFactory rabbitFactory() {
        Map<String, String> infra = KefuInfrastructure.springProperties();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(infra.getOrDefault("spring.rabbitmq.host", "127.0.0.1"));
        factory.setPort(Integer.parseInt(infra.getOrDefault("spring.rabbitmq.port", "5672")));
        factory.setUsername(infra.getOrDefault("spring.rabbitmq.username", "guest"));
        factory.setPassword(infra.getOrDefault("spring.rabbitmq.password", "guest"));
        factory.setVirtualHost(infra.getOrDefault("spring.rabbitmq.virtual-host", "/"));
        return factory;
    }

    /** Rows per second of single-row inserts, each its own transaction (autocommit), one connection. */
    static double postgresBaseline() throws Exception {
        Map<String, String> infra = KefuInfrastructure.springProperties();
        try (Connection connection = DriverManager.getConnection(infra.get("spring.datasource.url"), infra.get("spring.datasource.username"),
                infra.get("spring.datasource.password"))) {
            connection.createStatement().execute("create temporary table bench_insert (id uuid primary key, body text, at timestamptz)");
            long start = System.nanoTime();
            try (PreparedStatement insert = connection.prepareStatement("insert into bench_insert values (?, ?, now())")) {
                for (int i = 0; i < BASELINE_ROUNDS; i++) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setString(2, "你好，我的订单还没到 " + i);
                    insert.executeUpdate();
                }
            }
            return BASELINE_ROUNDS / ((System.nanoTime() - start) / 1e9);
        }
    }

    static JsonNode post(int port, String path, String token, Object body) {
        HttpResponse<String> response = send(port, "POST", path, token, body);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    static HttpResponse<String> send(int port, String method, String path, String token, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String frame(String command, Map<String, String> headers, String body) {
        StringBuilder frame = new StringBuilder(command).append('\n');
        headers.forEach((k, v) -> frame.append(k).append(':').append(v).append('\n'));
        return frame.append('\n').append(body).append('\u0000').toString();
    }

    static Iterator<Map<String, Object>> tokens(List<String> tokens) {
        return tokens.stream().map(t -> Map.<String, Object>of("token", t)).iterator();
    }

    /** Server's createdAt → arrival at the other side's socket, in ms: what people in a chat feel. */
    static final ConcurrentLinkedQueue<Long> TO_AGENT = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<Long> TO_CUSTOMER = new ConcurrentLinkedQueue<>();
    /** SEND → ack as the sender sees it, in ms, and when the first send and the last ack happened (for msg/s). */
    static final ConcurrentLinkedQueue<Long> CUSTOMER_ACKS = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<Long> AGENT_ACKS = new ConcurrentLinkedQueue<>();
    static final java.util.concurrent.atomic.AtomicLong FIRST_SEND = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    static final java.util.concurrent.atomic.AtomicLong LAST_ACK = new java.util.concurrent.atomic.AtomicLong();
    static final java.util.concurrent.atomic.AtomicInteger CUSTOMERS_DONE = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Reads the MESSAGE frames of /user/queue/messages among {@code frames}, records the latency of those
     * written by {@code from} and returns the conversations they belong to (in arrival order, once each).
     */
    static List<String> received(List<WsInboundMessage> frames, String from, ConcurrentLinkedQueue<Long> latencies) {
        java.util.LinkedHashSet<String> conversations = new java.util.LinkedHashSet<>();
        for (WsInboundMessage frame : frames) {
            if (!(frame instanceof WsInboundMessage.Text text) || !text.message().startsWith("MESSAGE\n")
                    || !text.message().contains("destination:/user/queue/messages")) {
                continue;
            }
            String body = text.message().substring(text.message().indexOf("\n\n") + 2).replace("\u0000", "");
            JsonNode message = JSON.readTree(body);
            if (from.equals(message.path("senderType").asString())) {
                latencies.add(text.timestamp() - java.time.Instant.parse(message.path("createdAt").asString()).toEpochMilli());
                conversations.add(message.path("conversationId").asString());
            }
        }
        return new ArrayList<>(conversations);
    }

    static io.gatling.javaapi.core.Session sending(io.gatling.javaapi.core.Session session) {
        long now = System.currentTimeMillis();
        FIRST_SEND.accumulateAndGet(now, Math::min);
        return session.set("sentAt", now);
    }

    static io.gatling.javaapi.core.Session acked(io.gatling.javaapi.core.Session session, ConcurrentLinkedQueue<Long> acks) {
        long now = System.currentTimeMillis();
        acks.add(now - session.getLong("sentAt"));
        LAST_ACK.accumulateAndGet(now, Math::max);
        return session;
    }

    static String chatSend(String clientMsgId, String conversationId, String content) {
        String target = conversationId == null ? "" : "\"conversationId\":\"" + conversationId + "\",";
        return frame("SEND", Map.of("destination", "/app/chat.send", "content-type", "application/json"),
                "{" + target + "\"content\":\"" + content + "\",\"clientMsgId\":\"" + clientMsgId + "\"}");
    }

    /** CONNECT, the subscriptions, then a ping whose pong proves they are live (frames of a session are handled in order). */
    static io.gatling.javaapi.core.ChainBuilder stompSession(String who, String... destinations) {
        io.gatling.javaapi.core.ChainBuilder chain = exec(ws(who + " connect").connect("/ws"))
                .exec(ws(who + " STOMP CONNECT").sendText(session -> frame("CONNECT", Map.of("accept-version", "1.2", "host", "kefu",
                        "Authorization", "Bearer " + session.getString("token")), ""))
                        .await(10).on(ws.checkTextMessage("connected").check(regex("^CONNECTED"))));
        for (String destination : destinations) {
            chain = chain.exec(ws(who + " subscribe").sendText(frame("SUBSCRIBE", Map.of("id", destination, "destination", destination), "")));
        }
        return chain.exec(ws(who + " subscribe").sendText(frame("SUBSCRIBE", Map.of("id", "pong", "destination", "/user/queue/pong"), "")))
                .exec(ws(who + " ready").sendText(frame("SEND", Map.of("destination", "/app/chat.ping", "content-type", "application/json"),
                        "{}")).await(10).on(ws.checkTextMessage("pong").matching(substring("/user/queue/pong")).check(regex("^MESSAGE"))));
    }

    HttpProtocolBuilder protocol = http.wsBaseUrl("ws://127.0.0.1:" + suite.gatewayPort()).wsUnmatchedInboundMessageBufferSize(100_000);

    /** Adds the conversations of newly received customer messages to the agent's to-answer list. */
    static io.gatling.javaapi.core.ActionBuilder collectCustomerMessages() {
        return ws.processUnmatchedMessages((frames, session) -> {
            List<String> pending = new ArrayList<>(session.contains("pending") ? session.<String>getList("pending") : List.of());
            for (String conversation : received(frames, "customer", TO_AGENT)) {
                if (!pending.contains(conversation)) {
                    pending.add(conversation);
                }
            }
            return session.set("pending", pending);
        });
    }

    // Gatling keeps frames no check matched until the next frame is sent: so each side reads them
    // right before it sends. Agents answer each conversation with new customer messages once.
    ScenarioBuilder agents = scenario("agents")
            .feed(tokens(suite.agentTokens()))
            .exec(stompSession("agent", "/user/queue/messages", "/user/queue/acks"))
            .asLongAs(session -> CUSTOMERS_DONE.get() < CUSTOMERS).on(
                    pause(Duration.ofMillis(200)),
                    collectCustomerMessages(),
                    asLongAs(session -> !session.getList("pending").isEmpty()).on(
                            exec(session -> {
                                List<String> pending = new ArrayList<>(session.<String>getList("pending"));
                                String conversation = pending.removeFirst();
                                return sending(session.set("pending", pending).set("conversationId", conversation)
                                        .set("replyId", UUID.randomUUID().toString()));
                            }),
                            exec(ws("agent reply").sendText(session -> chatSend(session.getString("replyId"), session.getString("conversationId"),
                                    "您好，已经在查了，请稍等")).await(10).on(ws.checkTextMessage("agent ack")
                                    .matching(substring("#{replyId}")).check(regex("destination:/user/queue/acks")))),
                            exec(session -> acked(session, AGENT_ACKS)),
                            collectCustomerMessages()))
            .exec(ws("agent close").close());

    static io.gatling.javaapi.core.ActionBuilder collectReplies() {
        return ws.processUnmatchedMessages((frames, session) -> {
            received(frames, "staff", TO_CUSTOMER);
            return session;
        });
    }

    ScenarioBuilder customers = scenario("customers")
            .feed(tokens(suite.customerTokens()))
            .exec(stompSession("customer", "/user/queue/acks", "/user/queue/messages"))
            .exec(repeat(MESSAGES, "n").on(
                    collectReplies(),
                    exec(session -> sending(session.set("clientMsgId", UUID.randomUUID().toString()))),
                    exec(ws("customer message").sendText(session -> chatSend(session.getString("clientMsgId"), null, "你好，我的订单还没到"))
                            .await(10).on(ws.checkTextMessage("ack").matching(substring("#{clientMsgId}"))
                                    .check(regex("destination:/user/queue/acks")))),
                    exec(session -> acked(session, CUSTOMER_ACKS)),
                    pause(Duration.ofMillis(500))))
            // the last replies
            .exec(pause(Duration.ofSeconds(2)), collectReplies())
            .exec(ws("customer close").close())
            .exec(session -> {
                CUSTOMERS_DONE.incrementAndGet();
                return session;
            });

    {
        setUp(agents.injectOpen(atOnceUsers(AGENTS)), customers.injectOpen(rampUsers(CUSTOMERS).during(Duration.ofSeconds(10))))
                .protocols(protocol)
                .assertions(global().failedRequests().percent().lt(1.0));
    }

    @Override
    public void before() {
        System.out.printf("%nBASELINE RabbitMQ publish+confirm→consume, one at a time: %.0f msg/s, p50 round trip %.2f ms%n",
                suite.rabbitBaselinePerSecond(), suite.rabbitBaselineP50Millis());
        System.out.printf("BASELINE PostgreSQL single-row insert, autocommit: %.0f rows/s%n", suite.postgresBaselinePerSecond());
        System.out.printf("LOAD %d customers x %d messages (one every 500 ms), %d agents replying, through the gateway over STOMP%n%n",
                CUSTOMERS, MESSAGES, AGENTS);
    }

    @Override
    public void after() {
        System.out.println();
        double seconds = Math.max(1, LAST_ACK.get() - FIRST_SEND.get()) / 1000.0;
        System.out.printf("THROUGHPUT %d messages stored and acknowledged in %.1f s: %.0f msg/s (%d from customers, %d agent replies)%n",
                CUSTOMER_ACKS.size() + AGENT_ACKS.size(), seconds, (CUSTOMER_ACKS.size() + AGENT_ACKS.size()) / seconds, CUSTOMER_ACKS.size(),
                AGENT_ACKS.size());
        printLatencies("ACCEPT customer SEND → ack (gateway, JWT, rate limit, PostgreSQL, outbox)", CUSTOMER_ACKS);
        printLatencies("ACCEPT agent SEND → ack", AGENT_ACKS);
        printLatencies("DELIVERY customer → agent (stored → agent's socket)", TO_AGENT);
        printLatencies("DELIVERY agent → customer (stored → customer's socket)", TO_CUSTOMER);
        System.out.println("Gatling's own report (deploy/target/gatling) has the same SEND → ack figures as its 'ack' and 'agent ack' "
                + "requests. Compare msg/s and latencies with the baselines printed first.");
        suite.stop();
    }

    static void printLatencies(String what, ConcurrentLinkedQueue<Long> latencies) {
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            System.out.println(what + ": none received");
            return;
        }
        System.out.printf("%s: %d messages, p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n", what, sorted.length, percentile(sorted, 50),
                percentile(sorted, 95), percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
