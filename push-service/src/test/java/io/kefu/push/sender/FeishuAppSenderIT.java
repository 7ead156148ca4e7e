package io.kefu.push.sender;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.push.PushItSupport;
import io.kefu.push.dispatch.DispatchJobs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Feishu app messages: the played Feishu receives the tenant_access_token request with the app's id and
 * secret once, then {@code im/v1/messages} with that token and the exact body; the token is kept in Redis
 * for every instance, and a token Feishu refuses is replaced. The app account is switched on live (hot
 * config) for these tests only, so other tests see the channel unconfigured.
 */
class FeishuAppSenderIT extends PushItSupport {

    static final String SOURCE = "feishu-app-it";

    @Autowired
    ConfigurableEnvironment environment;
    @Autowired
    ApplicationEventPublisher publisher;
    @Autowired
    RedissonClient redisson;
    @Autowired
    DispatchJobs jobs;

    final UUID tenant = UUID.randomUUID();
    final String admin = admin(tenant);
    final String appId = "cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    @BeforeEach
    void configureTheApp() {
        environment.getPropertySources().addFirst(new MapPropertySource(SOURCE, Map.of(
                "kefu.push.senders.feishu.app-id", appId, "kefu.push.senders.feishu.app-secret", "feishu-secret")));
        publisher.publishEvent(new EnvironmentChangeEvent(Set.of("kefu.push.senders.feishu.app-id", "kefu.push.senders.feishu.app-secret")));
    }

    @AfterEach
    void unconfigureTheApp() {
        environment.getPropertySources().remove(SOURCE);
        publisher.publishEvent(new EnvironmentChangeEvent(Set.of("kefu.push.senders.feishu.app-id", "kefu.push.senders.feishu.app-secret")));
        redisson.getBucket(FeishuAppSender.TOKEN_KEY + appId).delete();
    }

    private void playFeishu(String token) {
        WIREMOCK.stubFor(post(urlEqualTo("/open-apis/auth/v3/tenant_access_token/internal"))
                .withRequestBody(equalTo("{\"app_id\":\"" + appId + "\",\"app_secret\":\"feishu-secret\"}").or(
                        equalTo("{\"app_secret\":\"feishu-secret\",\"app_id\":\"" + appId + "\"}")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":0,\"msg\":\"ok\",\"tenant_access_token\":\"" + token + "\",\"expire\":7200}")));
    }

    private List<LoggedRequest> tokenRequests() {
        return WIREMOCK.findAll(postRequestedFor(urlEqualTo("/open-apis/auth/v3/tenant_access_token/internal"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(appId)));
    }

    @Test
    void anAppMessageIsSentWithTheCachedTenantToken() {
        playFeishu("t-" + appId);
        WIREMOCK.stubFor(post(urlPathEqualTo("/open-apis/im/v1/messages")).withHeader("Authorization", equalTo("Bearer t-" + appId))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":0,\"msg\":\"success\",\"data\":{\"message_id\":\"om_dc13264520392913993dd051dba21dcf\"}}")));
        UUID template = template(admin, Map.of("name", "fs-app-" + UUID.randomUUID(), "channel", "feishu", "kind", "app",
                "content", "工单 {{ticket}} 已分配给你"));

        UUID first = sendAndWait(admin, template, "ou_7d8a6e6df7621556ce0d21922b676706", Map.of("ticket", "T-7"));
        UUID second = sendAndWait(admin, template, "someone@example.com", Map.of("ticket", "T-8"));

        assertThat(status(first)).isEqualTo("sent");
        assertThat(status(second)).isEqualTo("sent");
        assertThat(tokenRequests()).as("one token fetched, then read from Redis").hasSize(1);
        assertThat(redisson.getBucket(FeishuAppSender.TOKEN_KEY + appId, StringCodec.INSTANCE).get()).isEqualTo("t-" + appId);
        assertThat(redisson.getBucket(FeishuAppSender.TOKEN_KEY + appId).remainTimeToLive()).isBetween(6_000_000L, 6_900_000L);

        List<LoggedRequest> sends = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/open-apis/im/v1/messages"))
                .withHeader("Authorization", equalTo("Bearer t-" + appId)));
        assertThat(sends).hasSize(2);
        LoggedRequest toOpenId = sends.stream().filter(r -> r.getBodyAsString().contains("ou_7d8a")).findFirst().orElseThrow();
        assertThat(toOpenId.queryParameter("receive_id_type").firstValue()).isEqualTo("open_id");
        assertThat(toOpenId.getHeader("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(toOpenId.getBodyAsString());
        assertThat(body.path("receive_id").asString()).isEqualTo("ou_7d8a6e6df7621556ce0d21922b676706");
        assertThat(body.path("msg_type").asString()).isEqualTo("text");
        assertThat(body.path("content").isString()).as("content is a JSON string").isTrue();
        assertThat(JSON.readTree(body.path("content").asString()).path("text").asString()).isEqualTo("工单 T-7 已分配给你");
        assertThat(body.path("uuid").asString()).isEqualTo(first.toString());
        LoggedRequest toEmail = sends.stream().filter(r -> r.getBodyAsString().contains("someone@example.com")).findFirst().orElseThrow();
        assertThat(toEmail.queryParameter("receive_id_type").firstValue()).isEqualTo("email");
        assertThat(jdbc.queryForObject("select provider_message_id from message where id = ?", String.class, first))
                .isEqualTo("om_dc13264520392913993dd051dba21dcf");
    }

    @Test
    void aRefusedTokenIsReplacedAndTheMessageRetried() {
        // Another instance left a token that Feishu no longer accepts.
        redisson.getBucket(FeishuAppSender.TOKEN_KEY + appId, StringCodec.INSTANCE).set("t-stale", Duration.ofHours(1));
        playFeishu("t-fresh-" + appId);
        WIREMOCK.stubFor(post(urlPathEqualTo("/open-apis/im/v1/messages")).withHeader("Authorization", equalTo("Bearer t-stale"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":99991663,\"msg\":\"Invalid access token for authorization.\"}")));
        WIREMOCK.stubFor(post(urlPathEqualTo("/open-apis/im/v1/messages")).withHeader("Authorization", equalTo("Bearer t-fresh-" + appId))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":0,\"msg\":\"success\",\"data\":{\"message_id\":\"om_2\"}}")));
        UUID template = template(admin, Map.of("name", "fs-app-" + UUID.randomUUID(), "channel", "feishu", "kind", "app", "content", "hi {{x}}"));

        Response r = call("POST", "/api/messages/send", Map.of("template_id", template, "recipient", "ou_stale_token_case", "variables",
                Map.of("x", "1")), admin);
        UUID id = UUID.fromString(r.body().path("messageId").asString());
        // One read per poll: two reads could see "queued" and then "sending" and stop too early.
        await("retried", Duration.ofMinutes(1), () -> {
            String now = status(id);
            return !"sending".equals(now) && !"queued".equals(now);
        });
        assertThat(status(id)).isEqualTo("scheduled");
        // The dispatch job is off in tests: run what it does once the backoff has passed.
        await("due", Duration.ofMinutes(1), () -> {
            jobs.publishDue();
            return "sent".equals(status(id));
        });
        assertThat(tokenRequests()).hasSize(1);
        JsonNode trace = call("GET", "/api/messages/traces/" + id, null, admin).body();
        assertThat(trace.toString()).contains("99991663");
    }
}
