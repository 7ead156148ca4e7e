package io.kefu.stats.alert;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.kefu.stats.notify.Notices;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code stats-alerts} (every minute): evaluates the rules — a customer waiting for a human longer
 * than {@code queueWaitOver}, push success under {@code pushSuccessBelow}, a service not ready — opening
 * an incident once while a rule holds and closing it when it stops, then posts each new incident once
 * to the configured WeCom/Feishu group bots. Safe on several instances: opening is an insert guarded by
 * a unique index, notifying is claimed with {@code skip locked}.
 */
@Component
class AlertJobs {

    private static final Logger log = LoggerFactory.getLogger(AlertJobs.class);
    static final Duration LEASE = Duration.ofMinutes(2);
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Incidents incidents;
    private final LiveProperties<AlertProperties> properties;
    private final Clock clock;
    private final Notices notices;
    private final TransactionTemplate tx;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    private final JsonMapper json = JsonMapper.builder().build();

    AlertJobs(Incidents incidents, LiveProperties<AlertProperties> properties, Clock clock, Notices notices,
            PlatformTransactionManager transactions) {
        this.incidents = incidents;
        this.notices = notices;
        this.tx = new TransactionTemplate(transactions);
        this.properties = properties;
        this.clock = clock;
    }

    @XxlJob("stats-alerts")
    public int evaluateAndNotify() {
        int opened = evaluate();
        int notified = notifyPending();
        XxlJobHelper.log("opened " + opened + ", notified " + notified);
        return opened;
    }

    int evaluate() {
        AlertProperties p = properties.get();
        Instant now = clock.instant();
        int opened = 0;
        List<String> holding = new ArrayList<>();
        for (Incidents.Waiting w : incidents.longestWaits()) {
            Duration waited = Duration.between(w.since(), now);
            if (waited.compareTo(p.queueWaitOver()) > 0) {
                holding.add(Incidents.key(w.tenantId(), "queue"));
                opened += open(w.tenantId(), "queue-wait", "queue", "有客户已排队 " + waited.toMinutes() + " 分钟（阈值 "
                        + p.queueWaitOver().toMinutes() + " 分钟）", now) ? 1 : 0;
            }
        }
        incidents.closeAllBut("queue-wait", holding, now);

        holding = new ArrayList<>();
        for (Incidents.PushRate r : incidents.pushRates(now.minus(p.pushWindow()))) {
            double rate = r.sent() == 0 ? 1 : (double) r.good() / r.sent();
            if (r.sent() >= p.pushMinSamples() && rate < p.pushSuccessBelow()) {
                holding.add(Incidents.key(r.tenantId(), "push"));
                opened += open(r.tenantId(), "push-success", "push", String.format("近 %d 分钟推送成功率 %.1f%%（阈值 %.1f%%，%d 条）",
                        p.pushWindow().toMinutes(), rate * 100, p.pushSuccessBelow() * 100, r.sent()), now) ? 1 : 0;
            }
        }
        incidents.closeAllBut("push-success", holding, now);

        holding = new ArrayList<>();
        for (Map.Entry<String, String> service : p.services().entrySet()) {
            if (!ready(service.getValue())) {
                holding.add(Incidents.key(null, service.getKey()));
                opened += open(null, "service-not-ready", service.getKey(), service.getKey() + " 未就绪（" + service.getValue() + "）", now)
                        ? 1 : 0;
            }
        }
        incidents.closeAllBut("service-not-ready", holding, now);
        return opened;
    }

    /**
     * Opens the incident unless one is open, and in the same transaction enqueues its email to the tenant's
     * admins (through push-service, after commit): an incident is emailed once, as it is posted once.
     */
    private boolean open(@Nullable UUID tenant, String rule, String subject, String detail, Instant now) {
        UUID id = UUID.randomUUID();
        return Boolean.TRUE.equals(tx.execute(status -> {
            boolean opened = incidents.open(id, tenant, rule, subject, detail, now);
            if (opened) {
                notices.alert(tenant, id.toString(), LABELS.getOrDefault(rule, rule), detail);
            }
            return opened;
        }));
    }

    static final Map<String, String> LABELS = Map.of("queue-wait", "排队超时", "push-success", "推送成功率过低", "service-not-ready", "服务未就绪");

    private boolean ready(String baseUrl) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl.replaceAll("/+$", "") + "/actuator/health/readiness"))
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (java.io.IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    int notifyPending() {
        AlertProperties p = properties.get();
        incidents.expireClaims(LEASE, clock.instant());
        if (p.webhooks().isEmpty()) {
            return 0;
        }
        int notified = 0;
        for (Incidents.Incident incident : incidents.claim(50, clock.instant())) {
            boolean ok = true;
            for (String url : p.webhooks()) {
                ok &= post(url, text(incident), p.webhookFormat());
            }
            if (ok) {
                incidents.sent(incident.id(), clock.instant());
                notified++;
            } else {
                incidents.failed(incident.id(), incident.attempts(), p.maxAttempts());
            }
        }
        return notified;
    }

    static String text(Incidents.Incident incident) {
        String scope = incident.tenantId() == null ? "平台" : "租户 " + incident.tenantId();
        return "【Kefu 告警】" + scope + "：" + incident.detail() + "（" + incident.rule() + "，" + incident.openedAt() + "）";
    }

    private boolean post(String url, String text, String format) {
        Map<String, Object> body = "feishu".equals(format) ? Map.of("msg_type", "text", "content", Map.of("text", text))
                : Map.of("msgtype", "text", "text", Map.of("content", text));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() / 100 == 2;
        } catch (java.io.IOException | IllegalArgumentException e) {
            log.warn("alert webhook {} failed: {}", url, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
