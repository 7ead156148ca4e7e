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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.kefu.testsupport.KefuInfrastructure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
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
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    // Started by the constructor, not a static initializer: the baselines' consumer callbacks run on
    // RabbitMQ's threads and would wait forever for this class's initialization to finish.
    final Suite suite = Suite.start();

    /** The running suite and the people of the run. */
    record Suite(WireMockServer wechat, List<ServiceProcess> services, int gatewayPort, List<String> customerTokens,
            List<String> agentTokens, double rabbitBaselinePerSecond, double rabbitBaselineP50Millis, double postgresBaselinePerSecond) {

        static Suite start() {
            try {
                double[] rabbit = rabbitBaseline();
                double postgres = postgresBaseline();
                WireMockServer wechat = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").globalTemplating(true));
                wechat.start();
                wechat.stubFor(get(urlPathEqualTo("/sns/jscode2session")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"openid\":\"o-bench-{{request.query.js_code}}\",\"session_key\":\"sk\"}")));
                int authPort = ConversationThroughGatewayE2ETest.freePort();
                String admin = "bench-admin";
                String adminPassword = "bench-" + UUID.randomUUID();
                Map<String, String> common = Map.of("KEFU_AUTH_URL", "http://127.0.0.1:" + authPort, "WECHAT_API_BASE_URL", wechat.baseUrl(),
                        "KEFU_CHAT_SEND_RATE_PERMITS", "100000");
                Map<String, String> authSettings = new LinkedHashMap<>(common);
                authSettings.put("KEFU_ADMIN_USERNAME", admin);
                authSettings.put("KEFU_ADMIN_PASSWORD", adminPassword);
                CompletableFuture<ServiceProcess> auth = async(() -> ConversationThroughGatewayE2ETest.start("auth-service", authPort, authSettings));
                CompletableFuture<ServiceProcess> chat = async(() -> ConversationThroughGatewayE2ETest.start("chat-service", free(), common));
                CompletableFuture<ServiceProcess> routing = async(() -> ConversationThroughGatewayE2ETest.start("routing-service", free(), common));
                Map<String, String> gatewaySettings = new LinkedHashMap<>(GatewaySettings.forEndToEnd());
                gatewaySettings.put("KEFU_AUTH_URL", auth.join().baseUrl());
                gatewaySettings.put("KEFU_CHAT_URL", chat.join().baseUrl());
                gatewaySettings.put("KEFU_CHAT_WS_URL", "ws://127.0.0.1:" + chat.join().port());
                gatewaySettings.put("KEFU_ROUTING_URL", routing.join().baseUrl());
                gatewaySettings.put("KEFU_RATE_LIMIT_API_RATE", "100000");
                gatewaySettings.put("KEFU_RATE_LIMIT_API_BURST", "200000");
                int gatewayPort = free();
                ServiceProcess gateway = ServiceProcess.start("gateway", gatewayPort, gatewaySettings, Duration.ofSeconds(120));

                String superadmin = post(gatewayPort, "/api/auth/login", null, Map.of("username", admin, "password", adminPassword))
                        .path("accessToken").asString();
                String miniApp = "wx-bench-" + UUID.randomUUID().toString().substring(0, 8);
                String tenant = post(gatewayPort, "/api/admin/tenants", superadmin, Map.of("name", "bench " + UUID.randomUUID(),
                        "miniAppId", miniApp, "miniAppSecret", "s")).path("id").asString();
                List<String> agents = new ArrayList<>();
                for (int i = 0; i < AGENTS; i++) {
                    String username = "bench-agent-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
                    post(gatewayPort, "/api/admin/staff", superadmin, Map.of("tenantId", tenant, "name", "agent " + i, "username", username,
                            "password", "bench-password", "roles", List.of("agent"), "department", "default", "maxConcurrentChats", 100));
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
                for (int i = 0; i < CUSTOMERS; i++) {
                    customers.add(post(gatewayPort, "/api/auth/wechat", null, Map.of("code", "c" + i + "-" + UUID.randomUUID(), "appId", miniApp))
                            .path("accessToken").asString());
                }
                return new Suite(wechat, List.of(gateway, routing.join(), chat.join(), auth.join()), gatewayPort, customers, agents,
                        rabbit[0], rabbit[1], postgres);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the benchmark suite", e);
            }
        }

        void stop() {
            for (ServiceProcess service : services) {
                try {
                    service.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            wechat.stop();
        }
    }

    static <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work);
    }

    static int free() {
        try {
            return ConversationThroughGatewayE2ETest.freePort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Messages per second and median round trip of publish (with confirm) → consume, one at a time. */
    static double[] rabbitBaseline() throws Exception {
        Map<String, String> infra = KefuInfrastructure.springProperties();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(infra.getOrDefault("spring.rabbitmq.host", "127.0.0.1"));
        factory.setPort(Integer.parseInt(infra.getOrDefault("spring.rabbitmq.port", "5672")));
        factory.setUsername(infra.getOrDefault("spring.rabbitmq.username", "guest"));
        factory.setPassword(infra.getOrDefault("spring.rabbitmq.password", "guest"));
        factory.setVirtualHost(infra.getOrDefault("spring.rabbitmq.virtual-host", "/"));
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

    HttpProtocolBuilder protocol = http.wsBaseUrl("ws://127.0.0.1:" + suite.gatewayPort());

    ScenarioBuilder agents = scenario("agents")
            .feed(tokens(suite.agentTokens()))
            .exec(ws("agent connect").connect("/ws"))
            .exec(ws("agent STOMP CONNECT").sendText(session -> frame("CONNECT", Map.of("accept-version", "1.2", "host", "kefu",
                    "Authorization", "Bearer " + session.getString("token")), ""))
                    .await(10).on(ws.checkTextMessage("connected").check(regex("^CONNECTED"))))
            .exec(ws("agent subscribe").sendText(frame("SUBSCRIBE", Map.of("id", "m", "destination", "/user/queue/messages"), "")))
            // Online for the whole run: receives what routing assigns (frames arrive unmatched, as a client's would).
            .exec(pause(Duration.ofSeconds(Math.max(30, MESSAGES * 2L))))
            .exec(ws("agent close").close());

    ScenarioBuilder customers = scenario("customers")
            .feed(tokens(suite.customerTokens()))
            .exec(ws("customer connect").connect("/ws"))
            .exec(ws("customer STOMP CONNECT").sendText(session -> frame("CONNECT", Map.of("accept-version", "1.2", "host", "kefu",
                    "Authorization", "Bearer " + session.getString("token")), ""))
                    .await(10).on(ws.checkTextMessage("connected").check(regex("^CONNECTED"))))
            .exec(ws("customer subscribe").sendText(frame("SUBSCRIBE", Map.of("id", "a", "destination", "/user/queue/acks"), "")))
            .exec(repeat(MESSAGES, "n").on(exec(ws("message").sendText(session -> {
                String id = UUID.randomUUID().toString();
                return frame("SEND", Map.of("destination", "/app/chat.send", "content-type", "application/json"),
                        "{\"content\":\"你好，我的订单还没到\",\"clientMsgId\":\"" + id + "\"}");
            }).await(10).on(ws.checkTextMessage("ack").check(regex("\"status\":\"sent\"")))).pause(Duration.ofMillis(200))))
            .exec(ws("customer close").close());

    {
        setUp(agents.injectOpen(atOnceUsers(AGENTS)), customers.injectOpen(io.gatling.javaapi.core.CoreDsl.rampUsers(CUSTOMERS)
                .during(Duration.ofSeconds(5))))
                .protocols(protocol)
                .assertions(global().failedRequests().percent().lt(1.0));
    }

    @Override
    public void before() {
        System.out.printf("%nBASELINE RabbitMQ publish+confirm→consume, one at a time: %.0f msg/s, p50 round trip %.2f ms%n",
                suite.rabbitBaselinePerSecond(), suite.rabbitBaselineP50Millis());
        System.out.printf("BASELINE PostgreSQL single-row insert, autocommit: %.0f rows/s%n", suite.postgresBaselinePerSecond());
        System.out.printf("LOAD %d customers x %d messages, %d agents, through the gateway over STOMP%n%n", CUSTOMERS, MESSAGES, AGENTS);
    }

    @Override
    public void after() {
        System.out.println("Compare the 'message' request's mean requests/sec and percentiles above with the baselines.");
        suite.stop();
    }
}
