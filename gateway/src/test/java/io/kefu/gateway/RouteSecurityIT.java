package io.kefu.gateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.gateway.TestTokens.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The identity contract at the gateway: per-route roles for every role, public paths, every way a
 * token can be bad, tenant pinning, the logout denylist, and the identity headers services receive.
 */
class RouteSecurityIT extends GatewayTestSupport {

    /** A sample request per rule of the contract, the service owning it, and who may call it. */
    record Rule(String method, String path, String service, Set<String> roles) {
        static final Set<String> ANY = Set.of("*");

        boolean allows(Role role) {
            return roles == ANY || role == Role.SUPERADMIN || role.roles.stream().anyMatch(roles::contains);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule("GET", "/api/user/profile", "auth", Set.of("customer")),
            new Rule("POST", "/api/auth/logout", "auth", Rule.ANY),
            new Rule("GET", "/api/admin/tenants/t-1", "auth", Set.of("superadmin")),
            new Rule("GET", "/api/admin/staff/s-1", "auth", Set.of("admin")),
            new Rule("GET", "/api/admin/channels/c-1", "chat", Set.of("admin")),
            new Rule("PUT", "/api/staff/status", "routing", Set.of("agent")),
            new Rule("GET", "/api/staff/online", "routing", Set.of("agent")),
            new Rule("GET", "/api/staff/stats", "routing", Set.of("supervisor")),
            new Rule("GET", "/api/message/m-1", "chat", Set.of("customer", "agent")),
            new Rule("POST", "/api/upload/image", "chat", Set.of("customer", "agent")),
            new Rule("GET", "/api/files/f-1", "chat", Set.of("customer", "agent")),
            new Rule("GET", "/api/conversations/c-1", "chat", Set.of("customer", "agent")),
            new Rule("GET", "/api/queue/position", "routing", Set.of("customer", "agent")),
            new Rule("GET", "/api/queue/rules", "routing", Set.of("agent")),
            new Rule("GET", "/api/tickets/t-1", "ticket", Set.of("provider", "agent", "customer")),
            new Rule("POST", "/api/tickets", "ticket", Set.of("provider", "agent", "customer")),
            new Rule("GET", "/api/home", "ticket", Set.of("provider", "agent")),
            new Rule("POST", "/api/messages/read-all", "ticket", Set.of("provider", "agent")),
            new Rule("GET", "/api/customers/c-1", "ticket", Set.of("provider", "agent")),
            new Rule("GET", "/api/projects/p-1", "ticket", Set.of("provider", "agent", "customer")),
            new Rule("GET", "/api/messages/inbox", "ticket", Set.of("provider", "agent")),
            new Rule("GET", "/api/home/summary", "ticket", Set.of("provider", "agent")),
            new Rule("POST", "/api/integration/key", "ticket", Set.of("admin")),
            new Rule("GET", "/api/integration/customers/c-1/usage-signals", "ticket", Set.of("admin")),
            new Rule("POST", "/api/push/templates", "push", Set.of("admin")),
            new Rule("POST", "/api/messages/send", "push", Set.of("admin")),
            new Rule("POST", "/api/messages/send-batch", "push", Set.of("admin")),
            new Rule("GET", "/api/messages/traces/m-1", "push", Set.of("admin")),
            new Rule("GET", "/api/messages/statistics/overview", "push", Set.of("admin")),
            new Rule("GET", "/api/push/batches/b-1", "push", Set.of("admin")),
            new Rule("POST", "/api/push/subscribe", "push", Set.of("customer")),
            new Rule("GET", "/api/kb/items", "kb-ai", Set.of("agent")),
            new Rule("POST", "/api/kb/items", "kb-ai", Set.of("supervisor")),
            new Rule("PUT", "/api/kb/items/k-1", "kb-ai", Set.of("supervisor")),
            new Rule("PATCH", "/api/kb/items/k-1", "kb-ai", Set.of("supervisor")),
            new Rule("DELETE", "/api/kb/items/k-1", "kb-ai", Set.of("supervisor")),
            new Rule("POST", "/api/kb/items/bulk", "kb-ai", Set.of("supervisor")),
            new Rule("POST", "/api/kb/search", "kb-ai", Set.of("agent")),
            new Rule("POST", "/api/ai/answer", "kb-ai", Set.of("agent")),
            new Rule("GET", "/api/stats/overview", "stats", Set.of("supervisor")),
            new Rule("GET", "/api/stats/stream", "stats", Set.of("supervisor")),
            new Rule("GET", "/dashboard/live", "stats", Set.of("supervisor")));

    @Autowired
    ReactiveStringRedisTemplate redis;

    static Stream<Arguments> everyRuleForEveryRole() {
        List<Arguments> cases = new ArrayList<>();
        for (Rule rule : RULES) {
            for (Role role : Role.values()) {
                cases.add(Arguments.of(rule, role));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("everyRuleForEveryRole")
    void aRoleReachesTheServiceWhenTheContractAllowsItAndIsRefusedOtherwise(Rule rule, Role role) {
        HttpResponse<String> response = call(rule.method(), rule.path(), TestTokens.token(role));

        if (rule.allows(role)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(rule.service());
            assertThat(service(rule.service()).findAll(anyRequestedFor(urlEqualTo(rule.path())))).hasSize(1);
        } else {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
            assertThat(problemCode(response)).isEqualTo("forbidden");
            assertThat(service(rule.service()).findAll(anyRequestedFor(anyUrl()))).isEmpty();
        }
    }

    static Stream<Rule> everyRule() {
        return RULES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRule")
    void aProtectedPathWithoutATokenIs401(Rule rule) {
        HttpResponse<String> response = call(rule.method(), rule.path(), null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(problemCode(response)).isEqualTo("unauthorized");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(service(rule.service()).findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    static Stream<Arguments> publicPaths() {
        return Stream.of(
                Arguments.of("POST", "/api/auth/wechat", "auth"),
                Arguments.of("POST", "/api/auth/login", "auth"),
                Arguments.of("POST", "/api/auth/refresh", "auth"),
                Arguments.of("POST", "/api/staff/login", "auth"),
                Arguments.of("POST", "/api/integration/customers/c-1/usage-signals", "ticket"),
                Arguments.of("GET", "/dashboard", "stats"),
                Arguments.of("GET", "/dashboard/lib/echarts/echarts.min.js", "stats"),
                Arguments.of("GET", "/.well-known/jwks.json", "auth"),
                Arguments.of("POST", "/callback/wechat/app-1", "chat"),
                Arguments.of("GET", "/callback/wecom/corp-1", "chat"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("publicPaths")
    void aPublicPathIsReachableWithoutAToken(String method, String path, String owner) {
        HttpResponse<String> response = call(method, path, null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(service(owner).findAll(anyRequestedFor(urlEqualTo(path)))).hasSize(1);
    }

    @Test
    void aPublicPathIgnoresAStaleTokenSentAlong() {
        String expired = TestTokens.token(Role.CUSTOMER, c -> c.expirationTime(Date.from(Instant.now().minus(Duration.ofHours(1))))
                .issueTime(Date.from(Instant.now().minus(Duration.ofHours(3)))));

        assertThat(call("POST", "/api/auth/refresh", expired).statusCode()).isEqualTo(200);
    }

    @Test
    void healthAndApiDocsNeedNoToken() {
        assertThat(call("GET", "/livez", null).statusCode()).isEqualTo(200);
        assertThat(management("GET", "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/v3/api-docs/auth", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/v3/api-docs/swagger-config", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theActuatorIsNotServedOnThePublicPort() {
        String superadmin = TestTokens.token(Role.SUPERADMIN);
        for (String path : List.of("/actuator/prometheus", "/actuator/metrics", "/actuator/gateway/routes", "/actuator/info",
                "/actuator/health", "/actuator/health/readiness", "/actuator")) {
            HttpResponse<String> response = call("GET", path, superadmin);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("jvm_").doesNotContain("http_server_requests");
        }
        assertThat(call("POST", "/actuator/refresh", superadmin).statusCode()).isEqualTo(404);
        // Prometheus scrapes the management port, without a token.
        HttpResponse<String> scraped = management("GET", "/actuator/prometheus", null);
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void otherActuatorEndpointsNeedASuperadmin() {
        assertThat(management("GET", "/actuator/metrics", null).statusCode()).isEqualTo(401);
        assertThat(management("GET", "/actuator/metrics", TestTokens.token(Role.ADMIN)).statusCode()).isEqualTo(403);
        assertThat(management("GET", "/actuator/metrics", TestTokens.token(Role.SUPERADMIN)).statusCode()).isEqualTo(200);
        HttpResponse<String> routes = management("GET", "/actuator/gateway/routes", TestTokens.token(Role.SUPERADMIN));
        assertThat(routes.statusCode()).isEqualTo(200);
        assertThat(routes.body()).contains("auth-login", "auth-wechat", "chat-upload", "docs-stats");
    }

    @Test
    void anExpiredTokenIs401TokenExpired() {
        String expired = TestTokens.token(Role.AGENT, c -> c.expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(5))))
                .issueTime(Date.from(Instant.now().minus(Duration.ofHours(2)))));

        assertRefused(call("GET", "/api/queue/position", expired), 401, "token-expired");
    }

    @Test
    void aTokenExpiredWithinTheClockSkewIsStillAccepted() {
        String justExpired = TestTokens.token(Role.AGENT, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(5)))
                .issueTime(Date.from(Instant.now().minus(Duration.ofHours(2)))));

        assertThat(call("GET", "/api/queue/position", justExpired).statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenSignedByAnotherKeyIs401() {
        assertRefused(call("GET", "/api/queue/position", TestTokens.signedByAnotherKey(Role.AGENT)), 401, "unauthorized");
    }

    @Test
    void anUnsignedAlgNoneTokenIs401() {
        assertRefused(call("GET", "/api/queue/position", TestTokens.unsigned(Role.SUPERADMIN)), 401, "unauthorized");
    }

    @Test
    void anHs256TokenKeyedWithThePublicKeyIs401() {
        assertRefused(call("GET", "/api/queue/position", TestTokens.hmacSignedWithThePublicKey(Role.SUPERADMIN)), 401, "unauthorized");
    }

    @Test
    void aTokenFromAnotherIssuerIs401() {
        assertRefused(call("GET", "/api/queue/position", TestTokens.token(Role.AGENT, c -> c.issuer("someone-else"))), 401, "unauthorized");
    }

    @Test
    void aTokenForAnotherAudienceIs401() {
        assertRefused(call("GET", "/api/queue/position", TestTokens.token(Role.AGENT, c -> c.audience(List.of("other-app")))), 401, "unauthorized");
    }

    @Test
    void garbageInTheAuthorizationHeaderIs401() {
        assertRefused(call("GET", "/api/queue/position", "not.a.jwt"), 401, "unauthorized");
    }

    @Test
    void aRevokedTokenIs401TokenRevoked() {
        String token = TestTokens.token(Role.AGENT);
        String jti = (String) TestTokens.claimsOf(token).get("jti");
        assertThat(call("GET", "/api/queue/position", token).statusCode()).isEqualTo(200);
        service("routing").resetRequests();

        redis.opsForValue().set("kefu:auth:revoked-jti:" + jti, "1", Duration.ofMinutes(5)).block();
        try {
            assertRefused(call("GET", "/api/queue/position", token), 401, "token-revoked");
        } finally {
            redis.delete("kefu:auth:revoked-jti:" + jti).block();
        }
    }

    @Test
    void aRequestNamingAnotherTenantIs403TenantMismatch() {
        HttpResponse<String> response = send(request("/api/tickets/t-1")
                .header("Authorization", "Bearer " + TestTokens.token(Role.PROVIDER))
                .header("X-Tenant-Id", "00000000-0000-0000-0000-000000000001").GET().build());

        assertRefused(response, 403, "tenant-mismatch");
    }

    @Test
    void aRequestNamingItsOwnTenantPasses() {
        HttpResponse<String> response = send(request("/api/tickets/t-1")
                .header("Authorization", "Bearer " + TestTokens.token(Role.PROVIDER))
                .header("X-Tenant-Id", TestTokens.TENANT).GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void aSuperadminMayNameAnyTenant() {
        HttpResponse<String> response = send(request("/api/tickets/t-1")
                .header("Authorization", "Bearer " + TestTokens.token(Role.SUPERADMIN))
                .header("X-Tenant-Id", "00000000-0000-0000-0000-000000000001").GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void spoofedIdentityHeadersNeverReachTheServiceButTheVerifiedOnesDo() {
        String token = TestTokens.token(Role.AGENT);
        String sub = (String) TestTokens.claimsOf(token).get("sub");

        HttpResponse<String> response = send(request("/api/queue/position")
                .header("Authorization", "Bearer " + token)
                .header("X-Kefu-User-Id", "attacker")
                .header("x-kefu-roles", "superadmin")
                .header("X-KEFU-TENANT-ID", "other-tenant")
                .header("X-Kefu-Internal-Token", "kefu-local-internal-token")
                .header("X-Kefu-Anything", "x")
                .GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
        List<LoggedRequest> received = service("routing").findAll(getRequestedFor(urlEqualTo("/api/queue/position")));
        assertThat(received).hasSize(1);
        LoggedRequest forwarded = received.getFirst();
        assertThat(forwarded.getHeaders().getHeader("X-Kefu-User-Id").values()).containsExactly(sub);
        assertThat(forwarded.getHeaders().getHeader("X-Kefu-Tenant-Id").values()).containsExactly(TestTokens.TENANT);
        assertThat(forwarded.getHeaders().getHeader("X-Kefu-User-Type").values()).containsExactly("staff");
        assertThat(forwarded.getHeaders().getHeader("X-Kefu-Roles").values()).containsExactly("agent");
        assertThat(forwarded.containsHeader("X-Kefu-Internal-Token")).isFalse();
        assertThat(forwarded.containsHeader("X-Kefu-Anything")).isFalse();
        assertThat(forwarded.getHeader("Authorization")).isEqualTo("Bearer " + token);
    }

    @Test
    void aSuperadminIsForwardedWithoutATenant() {
        call("GET", "/api/stats/overview", TestTokens.token(Role.SUPERADMIN));

        LoggedRequest forwarded = service("stats").findAll(getRequestedFor(urlEqualTo("/api/stats/overview"))).getFirst();
        assertThat(forwarded.containsHeader("X-Kefu-Tenant-Id")).isFalse();
        assertThat(forwarded.getHeader("X-Kefu-Roles")).isEqualTo("superadmin");
    }

    @Test
    void spoofedIdentityHeadersAreDroppedOnPublicPathsToo() {
        send(request("/api/auth/login").header("X-Kefu-User-Id", "attacker").header("X-Kefu-Roles", "admin")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        LoggedRequest forwarded = service("auth").findAll(anyRequestedFor(urlEqualTo("/api/auth/login"))).getFirst();
        assertThat(forwarded.containsHeader("X-Kefu-User-Id")).isFalse();
        assertThat(forwarded.containsHeader("X-Kefu-Roles")).isFalse();
    }

    private void assertRefused(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(problemCode(response)).isEqualTo(code);
        assertThat(service("routing").findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(service("ticket").findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }
}
