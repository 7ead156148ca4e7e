package io.kefu.deploy.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a client of the suite does through the gateway: JSON calls with a bearer token, the usual
 * sign-ins and set-up steps (a tenant, its staff), and waiting for an asynchronous effect.
 */
final class GatewayApi {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final int port;

    GatewayApi(int port) {
        this.port = port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The STOMP endpoint as clients reach it. */
    String ws() {
        return "ws://127.0.0.1:" + port + "/ws";
    }

    /** A JSON call that must succeed (2xx); its body, or a null node when empty. */
    JsonNode call(String method, String path, @Nullable String token, @Nullable Object body) {
        HttpResponse<String> response = send(method, path, token, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    int status(String method, String path, @Nullable String token, @Nullable Object body) {
        return send(method, path, token, body).statusCode();
    }

    HttpResponse<String> send(String method, String path, @Nullable String token, @Nullable Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        request.header("Content-Type", "application/json").method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return send(request.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Signs in with a password (staff, providers, the superadmin); the access token. */
    String login(String username, String password) {
        return call("POST", "/api/auth/login", null, Map.of("username", username, "password", password)).path("accessToken").asString();
    }

    /** A mini-program customer's sign-in with a code the played WeChat knows; the access token. */
    String customerLogin(String code, String miniAppId) {
        return call("POST", "/api/auth/wechat", null, Map.of("code", code, "appId", miniAppId)).path("accessToken").asString();
    }

    /** A new tenant with a mini-program of {@code miniAppId}, created by the superadmin; its id. */
    String createTenant(String superadminToken, String name, String miniAppId) {
        return call("POST", "/api/admin/tenants", superadminToken, Map.of("name", name + " " + UUID.randomUUID(),
                "miniAppId", miniAppId, "miniAppSecret", "e2e-secret")).path("id").asString();
    }

    /** Staff of the tenant with {@code roles}, signed in. */
    Staff createStaff(String superadminToken, String tenantId, String name, List<String> roles) {
        String username = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "e2e-password-" + UUID.randomUUID().toString().substring(0, 8);
        String id = call("POST", "/api/admin/staff", superadminToken, Map.of("tenantId", tenantId, "name", name, "username", username,
                "password", password, "roles", roles, "department", "default", "maxConcurrentChats", 5)).path("id").asString();
        return new Staff(id, username, password, login(username, password));
    }

    /** Polls {@code condition} until it holds, failing after {@link #WAIT}. */
    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Staff created through the admin API: id, credentials and an access token. */
    record Staff(String id, String username, String password, String token) {
    }
}
