package io.kefu.auth;

import java.util.Map;

import io.kefu.auth.config.AuthProperties;
import io.kefu.auth.wechat.WeChatLogin;
import io.kefu.common.config.LiveProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class CustomerLoginIT extends AuthItSupport {

    @Autowired
    ConfigurableEnvironment configurable;

    @Autowired
    WeChatLogin wechat;

    @Autowired
    LiveProperties<AuthProperties> authProperties;

    @Test
    void firstWeChatLoginCreatesTheCustomerAndTheNextOneFindsIt() {
        Map<String, String> t = newTenant();
        String openid = unique("o");
        stubSession(t.get("appId"), t.get("secret"), "code-1-" + openid, openid, null);
        stubSession(t.get("appId"), t.get("secret"), "code-2-" + openid, openid, null);

        Response first = call("POST", "/api/auth/wechat", Map.of("code", "code-1-" + openid, "appId", t.get("appId"),
                "userInfo", Map.of("nickName", "小明", "avatarUrl", "https://img/a.png", "gender", 1, "city", "杭州", "province", "浙江", "country", "中国")), null);
        assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
        String customerId = first.body().path("user").path("id").asString();
        assertThat(first.body().path("user").path("nickname").asString()).isEqualTo("小明");
        assertThat(first.body().path("expiresIn").asLong()).isEqualTo(7200);
        assertThat(first.body().path("refreshToken").asString()).hasSizeGreaterThan(40);
        assertThat(first.body().path("token").asString()).isEqualTo(first.body().path("accessToken").asString());

        Response second = call("POST", "/api/auth/wechat", Map.of("code", "code-2-" + openid, "appId", t.get("appId")), null);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().path("user").path("id").asString()).isEqualTo(customerId);
        assertThat(jdbc.queryForObject("select count(*) from channel_identity where value = ?", Integer.class, openid)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from login_audit where principal = ? and kind = 'wechat'", Integer.class,
                t.get("appId") + ":" + openid)).isEqualTo(2);

        // the profile belongs to the token's customer and changes with PUT
        String token = second.body().path("accessToken").asString();
        Response profile = call("PUT", "/api/user/profile", Map.of("phone", "13800000000", "city", "上海"), token);
        assertThat(profile.status()).as(profile.body().toString()).isEqualTo(200);
        Response read = call("GET", "/api/user/profile", null, token);
        assertThat(read.body().path("id").asString()).isEqualTo(customerId);
        assertThat(read.body().path("phone").asString()).isEqualTo("13800000000");
        assertThat(read.body().path("city").asString()).isEqualTo("上海");
        assertThat(read.body().path("nickname").asString()).isEqualTo("小明");
    }

    @Test
    void theMiniProgramSecretIsStoredEncryptedAndNeverReturned() {
        Map<String, String> t = newTenant();
        Response tenant = call("GET", "/api/admin/tenants/" + t.get("tenantId"), null, superadminToken());
        assertThat(tenant.status()).isEqualTo(200);
        assertThat(tenant.raw().body()).doesNotContain(t.get("secret"));
        assertThat(tenant.body().path("miniAppSecretSet").asBoolean()).isTrue();
        assertThat(tenant.body().path("config").path("blacklist").get(0).asString()).isEqualTo("spam");
        String stored = jdbc.queryForObject("select miniapp_secret from tenant where id = ?::uuid", String.class, t.get("tenantId"));
        assertThat(stored).isNotBlank().doesNotContain(t.get("secret"));
    }

    @ParameterizedTest(name = "errcode {0} -> {1} {2}")
    @CsvSource({"40029, 400, wechat-code-invalid", "40163, 400, wechat-code-invalid", "45011, 429, wechat-rate-limited",
            "-1, 503, wechat-unavailable", "40013, 502, wechat-error"})
    void eachWeChatErrorBecomesItsProblem(int errcode, int status, String code) {
        Map<String, String> t = newTenant();
        String jsCode = unique("bad");
        stubError(jsCode, errcode);
        Response response = call("POST", "/api/auth/wechat", Map.of("code", jsCode, "appId", t.get("appId")), null);
        assertThat(response.status()).as(response.body().toString()).isEqualTo(status);
        assertThat(response.code()).isEqualTo(code);
        assertThat(response.raw().headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        assertThat(jdbc.queryForObject("select count(*) from login_audit where principal = ? and outcome = ?", Integer.class,
                t.get("appId"), code)).isEqualTo(1);
    }

    @Test
    void aSlowWeChatIsUnavailableWithinTheReadTimeout() {
        Map<String, String> t = newTenant();
        String jsCode = unique("slow");
        WECHAT.stubFor(get(urlPathEqualTo("/sns/jscode2session")).withQueryParam("js_code", equalTo(jsCode))
                .willReturn(aResponse().withFixedDelay(4000).withHeader("Content-Type", "application/json").withBody("{\"openid\":\"late\"}")));
        long started = System.nanoTime();
        Response response = call("POST", "/api/auth/wechat", Map.of("code", jsCode, "appId", t.get("appId")), null);
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.code()).isEqualTo("wechat-unavailable");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3500);
    }

    @Test
    void aDeadWeChatHostIsUnavailable() {
        Map<String, String> t = newTenant();
        configurable.getPropertySources().addFirst(new MapPropertySource("dead-wechat", Map.of("kefu.auth.wechat.api-base-url", "http://127.0.0.1:1")));
        try {
            assertThat(wechat.properties().rebind()).isTrue();
            Response response = call("POST", "/api/auth/wechat", Map.of("code", unique("c"), "appId", t.get("appId")), null);
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.code()).isEqualTo("wechat-unavailable");
        } finally {
            configurable.getPropertySources().remove("dead-wechat");
            wechat.properties().rebind();
        }
    }

    @Test
    void oneWeChatUserIsLimitedPerMinuteWhateverCodesTheyUse() throws Exception {
        Map<String, String> t = newTenant();
        String openid = unique("o");
        configurable.getPropertySources().addFirst(new MapPropertySource("login-limit", Map.of("kefu.auth.wechat-logins-per-minute", "3")));
        try {
            assertThat(authProperties.rebind()).isTrue();
            // The counter is per minute: start early in one, so the four logins below share it.
            long intoMinute = System.currentTimeMillis() % 60_000;
            if (intoMinute > 45_000) {
                Thread.sleep(60_000 - intoMinute + 100);
            }
            for (int i = 0; i < 3; i++) {
                stubSession(t.get("appId"), t.get("secret"), "limit-" + i + "-" + openid, openid, null);
                Response ok = call("POST", "/api/auth/wechat", Map.of("code", "limit-" + i + "-" + openid, "appId", t.get("appId")), null);
                assertThat(ok.status()).as(ok.body().toString()).isEqualTo(200);
            }
            stubSession(t.get("appId"), t.get("secret"), "limit-3-" + openid, openid, null);

            Response refused = call("POST", "/api/auth/wechat", Map.of("code", "limit-3-" + openid, "appId", t.get("appId")), null);

            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.code()).isEqualTo("rate-limited");
            assertThat(refused.body().path("retryAfter").asInt()).isBetween(1, 60);
            assertThat(jdbc.queryForObject("select count(*) from login_audit where principal = ? and outcome = 'rate-limited'",
                    Integer.class, t.get("appId") + ":" + openid)).isEqualTo(1);
            // Another user of the same mini-program is not affected.
            String other = unique("o");
            stubSession(t.get("appId"), t.get("secret"), "other-" + other, other, null);
            assertThat(call("POST", "/api/auth/wechat", Map.of("code", "other-" + other, "appId", t.get("appId")), null).status())
                    .isEqualTo(200);
        } finally {
            configurable.getPropertySources().remove("login-limit");
            authProperties.rebind();
        }
    }

    @Test
    void anUnknownAppIdOrMissingCodeIsA400Problem() {
        Response unknown = call("POST", "/api/auth/wechat", Map.of("code", "x", "appId", unique("wx-none")), null);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.code()).isEqualTo("unknown-app");
        Response invalid = call("POST", "/api/auth/wechat", Map.of("appId", "wx1"), null);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.code()).isEqualTo("validation-failed");
        Response malformed = call("POST", "/api/auth/wechat", "{not json", null);
        assertThat(malformed.status()).isEqualTo(400);
    }
}
