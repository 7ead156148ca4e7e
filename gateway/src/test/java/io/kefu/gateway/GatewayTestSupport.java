package io.kefu.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * One gateway context shared by the integration tests that extend this (same configuration, so
 * Spring's test context cache starts it once): WireMock plays auth (and its JWKS) and every other
 * service; each answers any request with its own name. Real Redis; the rate-limit keys carry a
 * prefix unique to this run, and 127.0.0.1 is a trusted proxy so each test can act from its own
 * client address through X-Forwarded-For.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class GatewayTestSupport {

    static final Map<String, WireMockServer> SERVICES = new LinkedHashMap<>();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    static final JsonMapper JSON = JsonMapper.builder().build();

    static {
        for (String service : new String[] {"auth", "chat", "routing", "push", "ticket", "kb-ai", "stats"}) {
            WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
            server.start();
            SERVICES.put(service, server);
        }
        // Stopped with the JVM: the cached context outlives any single test class.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> SERVICES.values().forEach(WireMockServer::stop)));
    }

    @Autowired
    Environment environment;

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("KEFU_AUTH_URL", () -> serviceUrl("auth"));
        registry.add("KEFU_CHAT_URL", () -> serviceUrl("chat"));
        registry.add("KEFU_ROUTING_URL", () -> serviceUrl("routing"));
        registry.add("KEFU_PUSH_URL", () -> serviceUrl("push"));
        registry.add("KEFU_TICKET_URL", () -> serviceUrl("ticket"));
        registry.add("KEFU_KB_AI_URL", () -> serviceUrl("kb-ai"));
        registry.add("KEFU_STATS_URL", () -> serviceUrl("stats"));
        registry.add("kefu.gateway.rate-limit.key-prefix", () -> "kefu-test-" + RUN);
        registry.add("kefu.gateway.rate-limit.trusted-proxies", () -> "127.0.0.1");
        // Generous for the API so only the tests about limits meet them; login keeps its real numbers.
        registry.add("kefu.gateway.rate-limit.api.replenish-rate", () -> "1000");
        registry.add("kefu.gateway.rate-limit.api.burst-capacity", () -> "2000");
        registry.add("kefu.gateway.request-size.max-body", () -> "1KB");
        registry.add("kefu.gateway.request-size.max-upload-body", () -> "8KB");
        registry.add("kefu.gateway.cors.allowed-origins", () -> "https://console.kefu.test");
    }

    /** A subclass may point a service elsewhere by setting kefu.test.&lt;name&gt;-url. */
    private static String serviceUrl(String name) {
        return "${kefu.test." + name + "-url:" + service(name).baseUrl() + "}";
    }

    static WireMockServer service(String name) {
        return SERVICES.get(name);
    }

    @BeforeEach
    void servicesAnswerWithTheirName() {
        SERVICES.forEach((name, server) -> {
            server.resetAll();
            server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(200).withBody(name)));
        });
        service("auth").stubFor(get("/.well-known/jwks.json").atPriority(1).willReturn(okJson(TestTokens.jwksJson())));
    }

    /** A request from its own client address (the test's trusted proxy forwards for it). */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path))
                .timeout(Duration.ofSeconds(20))
                .header("X-Forwarded-For", randomClientIp());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> call(String method, String path, String token) {
        HttpRequest.Builder request = request(path).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    /** A call to the management port (actuator: metrics, refresh, routes), which the public port does not serve. */
    HttpResponse<String> management(String method, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + environment.getProperty("local.management.port")
                + path)).timeout(Duration.ofSeconds(20)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    static String randomClientIp() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** The problem code of a problem+json answer, checking the contract's shape on the way. */
    static String problemCode(HttpResponse<String> response) {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (!contentType.startsWith("application/problem+json")) {
            throw new AssertionError("not problem+json (" + contentType + "): " + response.statusCode() + " " + response.body());
        }
        JsonNode body = json(response);
        String code = body.path("code").asString();
        if (!body.path("type").asString().equals("https://kefu.io/problems/" + code) || body.path("status").asInt() != response.statusCode()) {
            throw new AssertionError("malformed problem: " + response.body());
        }
        return code;
    }
}
