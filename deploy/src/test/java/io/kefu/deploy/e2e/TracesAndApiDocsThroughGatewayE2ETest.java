package io.kefu.deploy.e2e;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kefu.deploy.e2e.OtlpReceiver.ReceivedSpan;
import io.kefu.testsupport.StompTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traces and API docs as operators and integrators see them, through the running jars of auth, chat and
 * routing behind the gateway. Every process exports its spans over OTLP/HTTP to a local receiver (the
 * test's {@link OtlpReceiver}), and one customer message — over STOMP, or over HTTP through the gateway —
 * is one trace from its first span to the frame that tells the agent, across chat, RabbitMQ and routing.
 * The gateway's Swagger UI reads each service's document through the gateway and "Try it out" calls the gateway.
 */
class TracesAndApiDocsThroughGatewayE2ETest {

    static final Duration WAIT = GatewayApi.WAIT;
    static final Duration EXPORT_WAIT = Duration.ofSeconds(60); // spans are exported in batches (every few seconds)
    static final String ADMIN = "e2e-traces-admin"; // its own: the e2e classes share one database
    static final String ADMIN_PASSWORD = "e2e-admin-password-" + UUID.randomUUID();
    static final String MINI_APP = "wx-e2e-traces-" + UUID.randomUUID().toString().substring(0, 8);

    static OtlpReceiver otlp;
    static WireMockServer wechat;
    static SuiteProcesses suite;
    static GatewayApi api;
    static String agentId;
    static String agentToken;
    static StompTestClient agentSocket;

    @BeforeAll
    static void startTheSuite() throws Exception {
        otlp = new OtlpReceiver();
        wechat = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wechat.start();
        for (String code : List.of("stomp-customer", "http-customer")) {
            wechat.stubFor(get(urlPathEqualTo("/sns/jscode2session")).withQueryParam("js_code", equalTo(code))
                    .willReturn(aResponse().withHeader("Content-Type", "application/json")
                            .withBody("{\"openid\":\"o-" + code + "-" + UUID.randomUUID() + "\",\"session_key\":\"sk\"}")));
        }
        suite = SuiteProcesses.of("auth-service", "chat-service", "routing-service")
                .everywhere("WECHAT_API_BASE_URL", wechat.baseUrl())
                .everywhere("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint())
                .admin(ADMIN, ADMIN_PASSWORD)
                .start();
        api = suite.api();
        String superadmin = api.login(ADMIN, ADMIN_PASSWORD);
        String tenantId = api.createTenant(superadmin, "E2E traces shop", MINI_APP);
        GatewayApi.Staff agent = api.createStaff(superadmin, tenantId, "小李", List.of("agent"));
        agentId = agent.id();
        agentToken = agent.token();
        GatewayApi.awaitTrue("routing knows the agent",
                () -> api.status("PUT", "/api/staff/status", agentToken, Map.of("status", "online")) == 200);
        agentSocket = StompTestClient.connect(api.ws(), agentToken);
        agentSocket.subscribe("/user/queue/conversations").ready();
    }

    @AfterAll
    static void stopTheSuite() throws Exception {
        if (agentSocket != null) {
            agentSocket.close();
        }
        if (suite != null) {
            suite.close();
        }
        if (wechat != null) {
            wechat.stop();
        }
        if (otlp != null) {
            otlp.close();
        }
    }

    @Test
    void aCustomersStompMessageIsOneTraceFromTheFrameToTheAgentsAssignmentFrame() throws Exception {
        String customerToken = api.customerLogin("stomp-customer", MINI_APP);
        String traceId = randomHex(16);
        String clientSpan = randomHex(8);
        String conversationId;
        try (StompTestClient customer = StompTestClient.connect(api.ws(), customerToken)) {
            customer.subscribe("/user/queue/acks").ready();
            // The client's traceparent on the SEND frame: the trace the suite must continue (frames pass the gateway's proxy as they are).
            customer.send("/app/chat.send", Map.of("content", "你好，发票开错了", "clientMsgId", "trace-1"),
                    Map.of("traceparent", "00-" + traceId + "-" + clientSpan + "-01"));
            conversationId = customer.await("/user/queue/acks", WAIT, f -> "trace-1".equals(f.path("clientMsgId").asString()))
                    .path("conversationId").asString();
        }
        agentSocket.await("/user/queue/conversations", WAIT, f -> conversationId.equals(f.path("id").asString()));

        List<ReceivedSpan> trace = awaitTraceWith(traceId, agentAssignmentFrame());
        assertThat(span(trace, "chat-service", s -> s.name().equals("STOMP SEND /app/chat.send")).parentSpanId())
                .as("the frame's span continues the client's").isEqualTo(clientSpan);
        assertTheMessagesPathIsOneConnectedTrace(trace, clientSpan);
    }

    @Test
    void aCustomersHttpMessageIsOneTraceFromTheGatewayToTheAgentsAssignmentFrame() throws Exception {
        String customerToken = api.customerLogin("http-customer", MINI_APP);
        String traceId = randomHex(16);
        String clientSpan = randomHex(8);
        HttpResponse<String> sent = api.send(HttpRequest.newBuilder(api.uri("/api/message/send"))
                .header("Authorization", "Bearer " + customerToken).header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-" + clientSpan + "-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"请问几点发货\",\"clientMsgId\":\"trace-2\"}")).build());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
        String conversationId = GatewayApi.JSON.readTree(sent.body()).path("conversationId").asString();
        agentSocket.await("/user/queue/conversations", WAIT, f -> conversationId.equals(f.path("id").asString()));

        List<ReceivedSpan> trace = awaitTraceWith(traceId, agentAssignmentFrame());
        ReceivedSpan gateway = span(trace, "gateway", s -> s.parentSpanId().equals(clientSpan));
        assertThat(gateway.kind()).isEqualTo("SPAN_KIND_SERVER");
        assertThat(trace).as("chat's request span is the gateway's call's child")
                .anyMatch(s -> s.service().equals("chat-service") && s.kind().equals("SPAN_KIND_SERVER")
                        && trace.stream().anyMatch(p -> p.spanId().equals(s.parentSpanId()) && p.service().equals("gateway")));
        assertTheMessagesPathIsOneConnectedTrace(trace, clientSpan);
    }

    @Test
    void theGatewaysSwaggerUiReadsEveryDocumentThroughTheGatewayAndTryItOutCallsTheGateway() throws Exception {
        HttpResponse<String> config = api.send("GET", "/v3/api-docs/swagger-config", null, null);
        assertThat(config.statusCode()).isEqualTo(200);
        JsonNode urls = GatewayApi.JSON.readTree(config.body()).path("urls");
        assertThat(urls.findValuesAsString("url")).as("documents the UI lists, all on the gateway")
                .contains("/v3/api-docs/auth", "/v3/api-docs/chat", "/v3/api-docs/routing")
                .allSatisfy(url -> assertThat(url).startsWith("/v3/api-docs/"));

        for (String service : List.of("auth", "chat", "routing")) {
            URI docUri = api.uri("/v3/api-docs/" + service);
            HttpResponse<String> doc = api.send("GET", "/v3/api-docs/" + service, null, null);
            assertThat(doc.statusCode()).as(service).isEqualTo(200);
            assertThat(doc.body()).as("no service address leaks to the browser").doesNotContain("127.0.0.1:" + suite.service(service + "-service").port());
            JsonNode json = GatewayApi.JSON.readTree(doc.body());
            // What Swagger UI does: a relative server URL is resolved against the document's own URL.
            URI server = docUri.resolve(json.path("servers").get(0).path("url").asString());
            assertThat(server.getAuthority()).as(service + "'s calls go to the gateway").isEqualTo(docUri.getAuthority());
        }

        // "Try it out" on chat's documented conversation list: the gateway's origin, the agent's bearer token.
        JsonNode chat = GatewayApi.JSON.readTree(api.send("GET", "/v3/api-docs/chat", null, null).body());
        assertThat(chat.path("paths").path("/api/conversations").path("get").path("security").toString()).contains("bearer");
        URI server = api.uri("/v3/api-docs/chat").resolve(chat.path("servers").get(0).path("url").asString());
        HttpResponse<String> tried = api.send(HttpRequest.newBuilder(server.resolve("api/conversations"))
                .header("Authorization", "Bearer " + agentToken).GET().build());
        assertThat(tried.statusCode()).as(tried.body()).isEqualTo(200);
    }

    /** The whole path of a customer's message: stored and published by chat, routed and assigned by routing, the agent told by chat. */
    private static void assertTheMessagesPathIsOneConnectedTrace(List<ReceivedSpan> trace, String clientSpan) {
        span(trace, "chat-service", s -> s.name().equals("publish chat.message.received.v1") && s.kind().equals("SPAN_KIND_PRODUCER"));
        span(trace, "routing-service", s -> s.name().endsWith(" chat.message.received.v1") && s.kind().equals("SPAN_KIND_CONSUMER"));
        span(trace, "routing-service", s -> s.name().equals("routing assignment pass"));
        span(trace, "routing-service", s -> s.name().equals("publish routing.conversation.assigned.v1"));
        span(trace, "chat-service", s -> s.name().endsWith(" routing.conversation.assigned.v1") && s.kind().equals("SPAN_KIND_CONSUMER"));
        Set<String> ids = trace.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
        assertThat(trace).as("every span's parent is in the trace (no gap, no second root)")
                .allSatisfy(s -> assertThat(ids.contains(s.parentSpanId()) || s.parentSpanId().equals(clientSpan))
                        .as(s.service() + " " + s.name() + " has parent " + s.parentSpanId()).isTrue());
        assertThat(trace.stream().map(ReceivedSpan::service).distinct()).contains("chat-service", "routing-service");
    }

    private static Predicate<List<ReceivedSpan>> agentAssignmentFrame() {
        return spans -> spans.stream().anyMatch(s -> s.service().equals("chat-service") && s.name().equals("STOMP deliver")
                && "/queue/conversations".equals(s.attributes().get("destination"))
                && String.valueOf(s.attributes().get("users")).contains(agentId));
    }

    /** Waits until the receiver holds the trace's spans up to what {@code complete} needs, then a little for stragglers of the same batch. */
    private static List<ReceivedSpan> awaitTraceWith(String traceId, Predicate<List<ReceivedSpan>> complete) throws InterruptedException {
        long deadline = System.nanoTime() + EXPORT_WAIT.toNanos();
        while (!complete.test(otlp.trace(traceId))) {
            assertThat(System.nanoTime()).as("spans of trace " + traceId + " received so far: " + describe(otlp.trace(traceId)))
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
        int seen;
        do { // the exporters flush every few seconds: wait until no more spans of this trace arrive for a while
            seen = otlp.trace(traceId).size();
            Thread.sleep(6_000);
        } while (otlp.trace(traceId).size() != seen && System.nanoTime() < deadline);
        return otlp.trace(traceId);
    }

    private static ReceivedSpan span(List<ReceivedSpan> trace, String service, Predicate<ReceivedSpan> match) {
        return trace.stream().filter(s -> s.service().equals(service)).filter(match).findFirst()
                .orElseThrow(() -> new AssertionError("no such span of " + service + " in " + describe(trace)));
    }

    private static String describe(List<ReceivedSpan> spans) {
        return spans.stream().map(s -> s.service() + ":" + s.kind() + ":" + s.name() + "(" + s.spanId() + "<-" + s.parentSpanId() + ")")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1; // never all zeros (an invalid id)
        return HexFormat.of().formatHex(random);
    }
}
