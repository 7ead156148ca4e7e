package io.kefu.deploy.e2e;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What users do, through the running gateway and auth-service jars (separate processes, real
 * PostgreSQL and Redis): the superadmin sets up a tenant, a customer signs in with a mini-program
 * code (WeChat played by WireMock), staff sign in with passwords, tokens are refreshed, reused,
 * revoked; identities reach services as verified headers only; a dead auth-service is a quick 503.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdentityThroughGatewayE2ETest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String ADMIN = "e2e-admin";
    static final String ADMIN_PASSWORD = "e2e-admin-password-" + UUID.randomUUID();
    static final String APP_ID = "wx-e2e-" + UUID.randomUUID().toString().substring(0, 8);

    static WireMockServer wechat;
    static WireMockServer stats;
    static ServiceProcess auth;
    static ServiceProcess gateway;
    static String superadminToken;
    static String tenantId;

    @BeforeAll
    static void startTheSuite() throws Exception {
        wechat = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wechat.start();
        wechat.stubFor(get(urlPathEqualTo("/sns/jscode2session")).willReturn(aResponse()
                .withHeader("content-type", "application/json").withBody("{\"errcode\":40029,\"errmsg\":\"invalid code\"}")));
        stats = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        stats.start();
        stats.stubFor(get("/api/stats/overview").willReturn(aResponse().withStatus(200).withBody("{\"conversations\":0}")));

        Map<String, String> authSettings = new LinkedHashMap<>();
        authSettings.put("WECHAT_API_BASE_URL", wechat.baseUrl());
        authSettings.put("KEFU_ADMIN_USERNAME", ADMIN);
        authSettings.put("KEFU_ADMIN_PASSWORD", ADMIN_PASSWORD);
        auth = ServiceProcess.start("auth-service", freePort(), authSettings, Duration.ofSeconds(150));

        Map<String, String> gatewaySettings = new LinkedHashMap<>();
        gatewaySettings.put("KEFU_AUTH_URL", auth.baseUrl());
        gatewaySettings.put("KEFU_STATS_URL", stats.baseUrl());
        gatewaySettings.putAll(GatewaySettings.forEndToEnd());
        gateway = ServiceProcess.start("gateway", freePort(), gatewaySettings, Duration.ofSeconds(90));

        HttpResponse<String> login = post("/api/auth/login", null, Map.of("username", ADMIN, "password", ADMIN_PASSWORD));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        superadminToken = json(login).path("accessToken").asString();
    }

    @AfterAll
    static void stopTheSuite() throws Exception {
        if (gateway != null) {
            gateway.stop();
        }
        if (auth != null) {
            auth.stop();
        }
        if (wechat != null) {
            wechat.stop();
        }
        if (stats != null) {
            stats.stop();
        }
    }

    @Test
    @Order(1)
    void theSuperadminCreatesATenantWithItsMiniProgram() throws Exception {
        HttpResponse<String> created = post("/api/admin/tenants", superadminToken, Map.of(
                "name", "E2E shop " + UUID.randomUUID(), "miniAppId", APP_ID, "miniAppSecret", "e2e-secret",
                "config", Map.of("autoMode", true, "aiModel", "qwen")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        tenantId = json(created).path("id").asString();
        assertThat(created.body()).doesNotContain("e2e-secret");
    }

    @Test
    @Order(2)
    void aCustomerSignsInWithAMiniProgramCodeAndSeesTheirProfile() throws Exception {
        String openid = "o-" + UUID.randomUUID();
        wechat.stubFor(get(urlPathEqualTo("/sns/jscode2session")).withQueryParam("js_code", equalTo("good-code"))
                .withQueryParam("appid", equalTo(APP_ID))
                .willReturn(aResponse().withHeader("content-type", "application/json")
                        .withBody("{\"openid\":\"" + openid + "\",\"session_key\":\"sk\",\"unionid\":\"u-" + openid + "\"}")));

        HttpResponse<String> login = post("/api/auth/wechat", null, Map.of("code", "good-code", "appId", APP_ID,
                "userInfo", Map.of("nickName", "小明", "city", "杭州")));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String token = json(login).path("accessToken").asString();

        HttpResponse<String> profile = call("GET", "/api/user/profile", token, null);
        assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
        assertThat(json(profile).path("nickname").asString()).isEqualTo("小明");
        assertThat(json(profile).path("tenantId").asString()).isEqualTo(tenantId);

        HttpResponse<String> badCode = post("/api/auth/wechat", null, Map.of("code", "bad-code", "appId", APP_ID));
        assertThat(badCode.statusCode()).isEqualTo(400);
        assertThat(badCode.body()).contains("\"code\":\"wechat-code-invalid\"");
    }

    @Test
    @Order(3)
    void rolesAreCheckedAtTheGatewayAndOnlyVerifiedIdentityReachesServices() throws Exception {
        assertThat(call("GET", "/api/user/profile", null, null).statusCode()).isEqualTo(401);

        String customer = customerToken();
        HttpResponse<String> denied = call("GET", "/api/stats/overview", customer, null);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("\"code\":\"forbidden\"");

        HttpRequest spoofed = HttpRequest.newBuilder(uri("/api/stats/overview"))
                .header("Authorization", "Bearer " + superadminToken)
                .header("X-Kefu-User-Id", "someone-else").header("X-Kefu-Roles", "superadmin").GET().build();
        assertThat(HTTP.send(spoofed, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        String subject = JSON.readTree(java.util.Base64.getUrlDecoder().decode(superadminToken.split("\\.")[1])).path("sub").asString();
        stats.verify(getRequestedFor(urlEqualTo("/api/stats/overview")).withHeader("X-Kefu-User-Id", equalTo(subject))
                .withHeader("X-Kefu-User-Type", equalTo("superadmin")).withHeader("X-Kefu-Tenant-Id", absent()));
        assertThat(stats.findAll(getRequestedFor(urlEqualTo("/api/stats/overview")).withHeader("X-Kefu-User-Id", equalTo("someone-else"))))
                .as("a spoofed identity header never reaches the service").isEmpty();
    }

    @Test
    @Order(4)
    void aReusedRefreshTokenRevokesItsWholeFamily() throws Exception {
        JsonNode first = json(post("/api/auth/login", null, Map.of("username", ADMIN, "password", ADMIN_PASSWORD)));
        String r1 = first.path("refreshToken").asString();

        HttpResponse<String> rotated = post("/api/auth/refresh", null, Map.of("refreshToken", r1));
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        String r2 = json(rotated).path("refreshToken").asString();
        assertThat(r2).isNotEqualTo(r1);

        HttpResponse<String> reused = post("/api/auth/refresh", null, Map.of("refreshToken", r1));
        assertThat(reused.statusCode()).isEqualTo(401);
        assertThat(reused.body()).contains("\"code\":\"refresh-token-reused\"");
        assertThat(post("/api/auth/refresh", null, Map.of("refreshToken", r2)).statusCode())
                .as("the newer token of the same family is revoked too").isEqualTo(401);
    }

    @Test
    @Order(5)
    void afterLogoutTheAccessTokenIsRefusedAtTheGateway() throws Exception {
        JsonNode session = json(post("/api/auth/login", null, Map.of("username", ADMIN, "password", ADMIN_PASSWORD)));
        String access = session.path("accessToken").asString();
        assertThat(call("GET", "/api/admin/tenants", access, null).statusCode()).isEqualTo(200);

        HttpResponse<String> logout = post("/api/auth/logout", access, Map.of("refreshToken", session.path("refreshToken").asString()));
        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(204);

        HttpResponse<String> after = call("GET", "/api/admin/tenants", access, null);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("\"code\":\"token-revoked\"");
    }

    @Test
    @Order(6)
    void fiveWrongPasswordsLockTheAccount() throws Exception {
        String username = "agent-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> staff = post("/api/admin/staff", superadminToken, Map.of("tenantId", tenantId, "name", "E2E agent",
                "username", username, "password", "right-password-1", "roles", java.util.List.of("agent")));
        assertThat(staff.statusCode()).as(staff.body()).isEqualTo(201);

        for (int i = 1; i <= 4; i++) {
            assertThat(post("/api/auth/login", null, Map.of("username", username, "password", "wrong")).statusCode())
                    .as("wrong attempt %d", i).isEqualTo(401);
        }
        HttpResponse<String> fifth = post("/api/auth/login", null, Map.of("username", username, "password", "wrong"));
        assertThat(fifth.statusCode()).isEqualTo(423);
        HttpResponse<String> right = post("/api/auth/login", null, Map.of("username", username, "password", "right-password-1"));
        assertThat(right.statusCode()).as("even the right password while locked").isEqualTo(423);
        assertThat(right.body()).contains("\"code\":\"account-locked\"").contains("lockedUntil");
    }

    @Test
    @Order(7)
    void anAdminCreatesAProviderWhoSignsInWithTheirPassword() throws Exception {
        String username = "provider-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = post("/api/admin/providers", superadminToken, Map.of("tenantId", tenantId,
                "name", "杭州某某科技", "username", username, "password", "provider-pass-1"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        HttpResponse<String> login = post("/api/auth/login", null, Map.of("username", username, "password", "provider-pass-1"));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String token = json(login).path("accessToken").asString();
        assertThat(json(login).path("newToken").asString()).as("the provider mini-program's field").isEqualTo(token);
        HttpResponse<String> notAdmin = call("GET", "/api/admin/tenants", token, null);
        assertThat(notAdmin.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(99)
    void aStoppedAuthServiceIsAQuick503() throws Exception {
        auth.stop();
        long start = System.nanoTime();
        HttpResponse<String> response = post("/api/auth/login", null, Map.of("username", ADMIN, "password", ADMIN_PASSWORD));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("\"code\":\"service-unavailable\"");
        System.out.printf("gateway answered 503 for a stopped auth-service in %d ms%n", millis);
    }

    private static String customerToken() throws Exception {
        HttpResponse<String> login = post("/api/auth/wechat", null, Map.of("code", "good-code", "appId", APP_ID));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return json(login).path("accessToken").asString();
    }

    private static HttpResponse<String> post(String path, String token, Object body) throws Exception {
        return call("POST", path, token, body);
    }

    private static HttpResponse<String> call(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create(gateway.baseUrl() + path);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
