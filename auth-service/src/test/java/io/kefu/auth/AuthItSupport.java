package io.kefu.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.kefu.testsupport.KefuIntegrationTest;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One running auth-service (real PostgreSQL, Redis, RabbitMQ) for the behaviour tests, with WireMock
 * playing WeChat's API at the configured base URL. Every test makes its own tenants, app ids and
 * openids, so the tests share the context without seeing each other's data.
 */
@KefuIntegrationTest(classes = AuthApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kefu.auth.wechat.read-timeout=1s",
        "kefu.auth.wechat.max-retries=0",
        "kefu.auth.lock-duration=3s",
        "kefu.jobs.local.jwt-key-rotation.cron="})
abstract class AuthItSupport {

    static final WireMockServer WECHAT = new WireMockServer(wireMockConfig().dynamicPort());
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "kefu-admin-local";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static {
        WECHAT.start();
        Runtime.getRuntime().addShutdownHook(new Thread(WECHAT::stop));
    }

    @DynamicPropertySource
    static void wechat(DynamicPropertyRegistry registry) {
        registry.add("kefu.auth.wechat.api-base-url", WECHAT::baseUrl);
    }

    @Autowired
    Environment environment;

    @Autowired
    JdbcTemplate jdbc;

    record Response(int status, JsonNode body, HttpResponse<String> raw) {

        String code() {
            return body.path("code").asString();
        }
    }

    Response call(String method, String path, @Nullable Object body, @Nullable String token) {
        return call(method, path, body, token, Map.of());
    }

    Response call(String method, String path, @Nullable Object body, @Nullable String token, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path))
                .timeout(Duration.ofSeconds(30))
                .header("User-Agent", "kefu-auth-it");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body() == null || response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Response(response.statusCode(), json, response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String superadminToken() {
        Response login = call("POST", "/api/auth/login", Map.of("username", ADMIN, "password", ADMIN_PASSWORD), null);
        assertThat(login.status()).as(login.body().toString()).isEqualTo(200);
        return login.body().path("accessToken").asString();
    }

    /** A tenant with its own mini-program app id; returns {tenantId, appId, secret}. */
    Map<String, String> newTenant() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String appId = "wx" + suffix;
        String secret = "secret-" + suffix;
        Response created = call("POST", "/api/admin/tenants", Map.of("name", "shop-" + suffix, "miniAppId", appId,
                "miniAppSecret", secret, "config", Map.of("autoMode", true, "blacklist", java.util.List.of("spam"))), superadminToken());
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return Map.of("tenantId", created.body().path("id").asString(), "appId", appId, "secret", secret);
    }

    static void stubSession(String appId, String secret, String code, String openid, @Nullable String unionid) {
        String body = unionid == null
                ? "{\"openid\":\"%s\",\"session_key\":\"sk\"}".formatted(openid)
                : "{\"openid\":\"%s\",\"session_key\":\"sk\",\"unionid\":\"%s\"}".formatted(openid, unionid);
        WECHAT.stubFor(get(urlPathEqualTo("/sns/jscode2session")).withQueryParam("js_code", equalTo(code))
                .withQueryParam("appid", equalTo(appId)).withQueryParam("secret", equalTo(secret))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(body)));
    }

    static void stubError(String code, int errcode) {
        WECHAT.stubFor(get(urlPathEqualTo("/sns/jscode2session")).withQueryParam("js_code", equalTo(code))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"errcode\":%d,\"errmsg\":\"test %d\"}".formatted(errcode, errcode))));
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
    }

    static WireMock wiremock() {
        return new WireMock(WECHAT.port());
    }
}
