package io.kefu.gateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kefu.gateway.TestTokens.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits in real Redis through Spring Cloud Gateway's RequestRateLimiter + RedisRateLimiter:
 * per client IP on the login routes, per user elsewhere, and limits that change on refresh.
 */
class RateLimitIT extends GatewayTestSupport {

    @Autowired
    ConfigurableEnvironment env;

    @Test
    void theLoginRouteAnswers429WithRetryAfterOnceTheClientsBucketIsEmpty() {
        String client = randomClientIp();
        // Login limits as shipped: 18-token bucket, 6 tokens a login, 1 token a second back.
        for (int i = 0; i < 3; i++) {
            assertThat(login(client).statusCode()).isEqualTo(200);
        }

        HttpResponse<String> refused = login(client);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(problemCode(refused)).isEqualTo("rate-limited");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("6");
        assertThat(service("auth").findAll(anyRequestedFor(urlEqualTo("/api/auth/login")))).hasSize(3);
        // Another client address has its own bucket.
        assertThat(login(randomClientIp()).statusCode()).isEqualTo(200);
    }

    @Test
    void anUntrustedForwardedForDoesNotGiveAFreshBucket() {
        String client = randomClientIp();
        // A client behind the trusted proxy adds its own forged hop in front: the proxy's view wins.
        for (int i = 0; i < 3; i++) {
            assertThat(login(randomClientIp() + ", " + client).statusCode()).isEqualTo(200);
        }
        assertThat(login(randomClientIp() + ", " + client).statusCode()).isEqualTo(429);
    }

    @Test
    void limitsChangeOnRefreshAndAuthenticatedCallersAreLimitedPerUser() {
        String superadmin = TestTokens.token(Role.SUPERADMIN);
        String alice = TestTokens.token(Role.AGENT);
        String bob = TestTokens.token(Role.AGENT);
        for (int i = 0; i < 5; i++) {
            assertThat(call("GET", "/api/queue/position", alice).statusCode()).isEqualTo(200);
        }

        Map<String, Object> strict = new HashMap<>();
        // Two requests' worth of tokens that take 20 s to come back, so a slow machine cannot refill
        // the bucket between the calls below.
        strict.put("kefu.gateway.rate-limit.api.replenish-rate", "1");
        strict.put("kefu.gateway.rate-limit.api.burst-capacity", "40");
        strict.put("kefu.gateway.rate-limit.api.requested-tokens", "20");
        env.getPropertySources().addFirst(new MapPropertySource("rate-limit-test", strict));
        try {
            assertThat(management("POST", "/actuator/refresh", superadmin).statusCode()).isEqualTo(200);

            String carol = TestTokens.token(Role.AGENT);
            assertThat(call("GET", "/api/queue/position", carol).statusCode()).isEqualTo(200);
            assertThat(call("GET", "/api/queue/position", carol).statusCode()).isEqualTo(200);
            HttpResponse<String> refused = call("GET", "/api/queue/position", carol);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(problemCode(refused)).isEqualTo("rate-limited");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("20");
            // Same client address, another user: another bucket.
            assertThat(call("GET", "/api/queue/position", bob).statusCode()).isEqualTo(200);
        } finally {
            env.getPropertySources().remove("rate-limit-test");
            management("POST", "/actuator/refresh", superadmin);
        }
        String dave = TestTokens.token(Role.AGENT);
        for (int i = 0; i < 5; i++) {
            assertThat(call("GET", "/api/queue/position", dave).statusCode()).isEqualTo(200);
        }
    }

    /**
     * WeChat calls from a few server addresses for every account: 1,000 callbacks in a burst from one
     * address all pass the gateway (the service limits them per account after the signature check),
     * while the same address is limited as usual on the API.
     */
    @Test
    void platformCallbacksFromOneAddressAreNeverLimitedByAddress() throws Exception {
        String superadmin = TestTokens.token(Role.SUPERADMIN);
        String wechat = randomClientIp();
        Map<String, Object> strict = new HashMap<>();
        strict.put("kefu.gateway.rate-limit.api.replenish-rate", "1");
        strict.put("kefu.gateway.rate-limit.api.burst-capacity", "40");
        strict.put("kefu.gateway.rate-limit.api.requested-tokens", "20");
        env.getPropertySources().addFirst(new MapPropertySource("callback-test", strict));
        try {
            assertThat(management("POST", "/actuator/refresh", superadmin).statusCode()).isEqualTo(200);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<HttpResponse<String>>> answers = new java.util.ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    String path = (i % 2 == 0 ? "/callback/mp/wx0123456789abcdef" : "/callback/wecom/ww0123456789/1000002")
                            + "?signature=s&timestamp=1&nonce=" + i;
                    answers.add(pool.submit(() -> send(request(path).setHeader("X-Forwarded-For", wechat)
                            .POST(HttpRequest.BodyPublishers.ofString("<xml/>")).build())));
                }
                for (java.util.concurrent.Future<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo("chat");
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(service("chat").findAll(anyRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/callback/.*"))))
                    .hasSize(1000);
            // The same address on an API route still has its per-address bucket (2 requests' worth now).
            HttpRequest api = request("/.well-known/jwks.json").setHeader("X-Forwarded-For", wechat).GET().build();
            send(api);
            send(api);
            assertThat(send(api).statusCode()).isEqualTo(429);
        } finally {
            env.getPropertySources().remove("callback-test");
            management("POST", "/actuator/refresh", superadmin);
        }
    }

    private HttpResponse<String> login(String forwardedFor) {
        return send(request("/api/auth/login").setHeader("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"a\",\"password\":\"b\"}")).build());
    }
}
