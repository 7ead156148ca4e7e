package io.kefu.gateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import io.kefu.gateway.TestTokens.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WeChat-code logins are limited per user (appId + code), not per address: thousands of mini-program
 * users share carrier addresses. The address keeps only a generous flood guard. Real Redis buckets.
 */
class WeChatLoginLimitIT extends GatewayTestSupport {

    @Autowired
    ConfigurableEnvironment env;

    @Test
    void manyUsersBehindOneCarrierAddressAllSignIn() {
        String carrier = randomClientIp();
        for (int i = 0; i < 40; i++) {
            String body = body("wx-app-" + RUN, "code-" + UUID.randomUUID());
            HttpResponse<String> answer = wechat("/api/auth/wechat", carrier, body);
            assertThat(answer.statusCode()).as("user %d: %s", i, answer.body()).isEqualTo(200);
        }
        // The body reached auth-service whole, after the gateway read it to find the user.
        String last = body("wx-app-" + RUN, "the-last-code");
        assertThat(wechat("/api/staff/login", carrier, last).statusCode()).isEqualTo(200);
        service("auth").verify(postRequestedFor(urlEqualTo("/api/staff/login")).withRequestBody(equalToJson(last)));
    }

    @Test
    void oneUsersCodeIsLimitedWhateverAddressItComesFrom() {
        String body = body("wx-app-" + RUN, "replayed-" + UUID.randomUUID());
        // Login numbers as shipped: 18-token bucket, 6 tokens a login -> 3 at once, then one every 6 s.
        for (int i = 0; i < 3; i++) {
            assertThat(wechat("/api/auth/wechat", randomClientIp(), body).statusCode()).isEqualTo(200);
        }

        HttpResponse<String> refused = wechat("/api/auth/wechat", randomClientIp(), body);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(problemCode(refused)).isEqualTo("rate-limited");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("6");
        // The same code for another mini-program is another user.
        assertThat(wechat("/api/auth/wechat", randomClientIp(), body("wx-other-" + RUN, "replayed")).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyNamingNoUserIsLimitedByItsAddress() {
        String client = randomClientIp();
        for (int i = 0; i < 3; i++) {
            assertThat(wechat("/api/auth/wechat", client, "{\"code\":\"c" + i + "\"}").statusCode()).isEqualTo(200);
        }
        // A fresh code each time cannot buy a fresh bucket without an appId: the address's bucket applies.
        assertThat(wechat("/api/auth/wechat", client, "{\"code\":\"c9\"}").statusCode()).isEqualTo(429);
        assertThat(wechat("/api/auth/wechat", client, "not json").statusCode()).isEqualTo(429);
    }

    @Test
    void theFloodGuardStillLimitsOneAddress() {
        String superadmin = TestTokens.token(Role.SUPERADMIN);
        String flooder = randomClientIp();
        // Two requests from one address, then nothing for 20 s: a slow machine cannot refill it mid-test.
        env.getPropertySources().addFirst(new MapPropertySource("wechat-flood-test", Map.of(
                "kefu.gateway.rate-limit.wechat-ip.replenish-rate", "1",
                "kefu.gateway.rate-limit.wechat-ip.burst-capacity", "40",
                "kefu.gateway.rate-limit.wechat-ip.requested-tokens", "20")));
        try {
            assertThat(management("POST", "/actuator/refresh", superadmin).statusCode()).isEqualTo(200);
            assertThat(wechat("/api/auth/wechat", flooder, body("wx-app-" + RUN, UUID.randomUUID().toString())).statusCode()).isEqualTo(200);
            assertThat(wechat("/api/auth/wechat", flooder, body("wx-app-" + RUN, UUID.randomUUID().toString())).statusCode()).isEqualTo(200);

            HttpResponse<String> refused = wechat("/api/auth/wechat", flooder, body("wx-app-" + RUN, UUID.randomUUID().toString()));

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("20");
            assertThat(wechat("/api/auth/wechat", randomClientIp(), body("wx-app-" + RUN, "x")).statusCode()).isEqualTo(200);
        } finally {
            env.getPropertySources().remove("wechat-flood-test");
            management("POST", "/actuator/refresh", superadmin);
        }
    }

    @Test
    void passwordLoginIsStillLimitedPerAddress() {
        String client = randomClientIp();
        for (int i = 0; i < 3; i++) {
            assertThat(password(client).statusCode()).isEqualTo(200);
        }
        assertThat(password(client).statusCode()).isEqualTo(429);
    }

    private static String body(String appId, String code) {
        return "{\"appId\":\"" + appId + "\",\"code\":\"" + code + "\",\"userInfo\":{\"nickName\":\"客户\"}}";
    }

    private HttpResponse<String> wechat(String path, String forwardedFor, String body) {
        return send(request(path).setHeader("X-Forwarded-For", forwardedFor).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> password(String forwardedFor) {
        return send(request("/api/auth/login").setHeader("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"a\",\"password\":\"b\"}")).build());
    }
}
