package io.kefu.stats.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsItSupport;
import io.kefu.stats.notify.NotifyProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daily report: yesterday's figures of a tenant, sent through push-service's internal API (WireMock
 * plays it) to each configured admin, once however often the job runs; push's refusal is final.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DailyReportIT extends StatsItSupport {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    final UUID tenant = UUID.randomUUID();
    final UUID template = UUID.randomUUID();
    final LocalDate yesterday = LocalDate.now(ZONE).minusDays(1);
    WireMockServer push;

    @Autowired
    DailyReports reports;
    @Autowired
    io.kefu.common.remote.RemoteCallsAutoConfiguration.RemoteCallSweep sweep;
    @Autowired
    LiveProperties<NotifyProperties> notify;
    @Autowired
    ConfigurableEnvironment configurable;

    @BeforeAll
    void pushAndTheDay() {
        push = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        push.start();
        push.stubFor(post(urlEqualTo("/internal/push/send")).withRequestBody(matchingJsonPath("$.recipient", equalTo("boss@example.com")))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                        .withBody("{\"messageId\":\"" + UUID.randomUUID() + "\",\"status\":\"queued\",\"duplicate\":false}")));
        push.stubFor(post(urlEqualTo("/internal/push/send")).withRequestBody(matchingJsonPath("$.recipient", equalTo("not-an-address")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"code\":\"invalid-recipient\",\"field\":\"recipient\"}")));
        Map<String, Object> config = new HashMap<>();
        config.put("kefu.stats.notify.push-url", push.baseUrl());
        config.put("kefu.stats.notify.report-hour", "0");
        config.put("kefu.stats.notify.tenants." + tenant + ".report-template", template.toString());
        config.put("kefu.stats.notify.tenants." + tenant + ".recipients[0]", "boss@example.com");
        config.put("kefu.stats.notify.tenants." + tenant + ".recipients[1]", "not-an-address");
        configurable.getPropertySources().addFirst(new MapPropertySource("daily-report-it", config));
        notify.rebind();

        Instant noon = yesterday.atTime(12, 0).atZone(ZONE).toInstant();
        conversation(tenant, UUID.randomUUID(), "mp").opened(noon);
        conversation(tenant, UUID.randomUUID(), "wecom").opened(noon.plusSeconds(60));
        publish(rabbit, "push.message.sent.v1", tenant, "m", Map.of("messageId", UUID.randomUUID().toString(), "channel", "email",
                "sendMillis", 120, "sentAt", noon.toString()));
        awaitStored(tenant, 3);
    }

    @AfterAll
    void stop() {
        configurable.getPropertySources().remove("daily-report-it");
        notify.rebind();
        push.stop();
    }

    List<LoggedRequest> sendsTo(String recipient) {
        return push.findAll(postRequestedFor(urlEqualTo("/internal/push/send")).withRequestBody(matchingJsonPath("$.recipient", equalTo(recipient))));
    }

    @Test
    void yesterdaysFiguresReachEachAdminOnceThroughPushService() throws Exception {
        assertThat(reports.sendReports()).isEqualTo(2);
        await("the report reached push-service", Duration.ofSeconds(30), () -> sendsTo("boss@example.com").size() == 1
                && sendsTo("not-an-address").size() == 1);

        LoggedRequest sent = sendsTo("boss@example.com").getFirst();
        assertThat(sent.getHeader("X-Kefu-Internal-Token")).isEqualTo(environment.getProperty("kefu.security.internal-token"));
        assertThat(sent.getHeader("Idempotency-Key")).isEqualTo("report:" + tenant + ":" + yesterday + ":boss@example.com");
        JsonNode body = JSON.readTree(sent.getBodyAsString());
        assertThat(body.path("tenantId").asString()).isEqualTo(tenant.toString());
        assertThat(body.path("template_id").asString()).isEqualTo(template.toString());
        assertThat(body.path("variables").path("day").asString()).isEqualTo(yesterday.toString());
        String report = body.path("variables").path("report").asString();
        assertThat(report).contains("Kefu 日报 " + yesterday).contains("会话 2").contains("推送：发送 1，成功率 100.0%，平均发送耗时 120 ms，失败 0");
        assertThat(body.path("variables").properties()).hasSize(2); // push refuses variables its template lacks

        // the job again (the next hour, another instance): nothing new is enqueued nor sent
        assertThat(reports.sendReports()).isZero();
        sweep.sweep();
        Thread.sleep(500);
        assertThat(sendsTo("boss@example.com")).hasSize(1);
        // push's 400 is final: not retried by the sweep
        assertThat(sendsTo("not-an-address")).hasSize(1);
        assertThat(jdbc.queryForObject("select status from kefu_remote_call where call_key = ?", String.class,
                "report:" + tenant + ":" + yesterday + ":not-an-address")).isEqualTo("failed");
        assertThat(jdbc.queryForObject("select status from kefu_remote_call where call_key = ?", String.class,
                "report:" + tenant + ":" + yesterday + ":boss@example.com")).isEqualTo("done");
    }
}
