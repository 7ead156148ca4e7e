package io.kefu.stats.notify;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.remote.RemoteCallKind;
import io.kefu.common.remote.RemoteCallOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Remote-call kind {@code stats.push-send}: one email (report or alert) handed to push-service's
 * {@code POST /internal/push/send}, outside any transaction (common's remote calls: enqueued with the
 * decision, claimed, called, settled). The call's key is the Idempotency-Key, so push-service takes a
 * retried request as the first one; a lost outcome may therefore be sent again (RESEND). A 4xx is push's
 * final refusal (unknown or inactive template, bad recipient, variables not the template's): not retried.
 */
@Component
class PushSend implements RemoteCallKind<PushSend.Notice> {

    private static final Logger log = LoggerFactory.getLogger(PushSend.class);
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** One email for push-service: the tenant's template, one recipient, the template's variables. */
    record Notice(UUID tenantId, UUID templateId, String recipient, Map<String, String> variables, int priority, String what) {
    }

    private final LiveProperties<NotifyProperties> properties;
    private final Environment environment;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    private final JsonMapper json = JsonMapper.builder().build();

    PushSend(LiveProperties<NotifyProperties> properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
    }

    @Override
    public String name() {
        return "stats.push-send";
    }

    @Override
    public Class<Notice> payloadType() {
        return Notice.class;
    }

    @Override
    public LostOutcome whenOutcomeLost() {
        return LostOutcome.RESEND; // push-service honours the Idempotency-Key
    }

    @Override
    public RemoteCallOutcome call(Notice notice, Attempt attempt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", notice.tenantId());
        body.put("template_id", notice.templateId());
        body.put("recipient", notice.recipient());
        body.put("variables", notice.variables());
        body.put("priority", notice.priority());
        URI url = URI.create(properties.get().pushUrl().toString().replaceAll("/+$", "") + "/internal/push/send");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("X-Kefu-Internal-Token", environment.getProperty("kefu.security.internal-token", ""))
                    .header("Idempotency-Key", attempt.key())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return RemoteCallOutcome.done(messageId(response.body()));
            }
            if (status == 429 || status >= 500 || status == 401 || status == 403) {
                // overloaded, down, or a token being rotated: worth another try
                return RemoteCallOutcome.retry("http-" + status, abbreviate(response.body()));
            }
            return RemoteCallOutcome.failed("http-" + status, abbreviate(response.body()));
        } catch (java.io.IOException e) {
            return RemoteCallOutcome.retry("io", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RemoteCallOutcome.retry("interrupted", e.toString());
        }
    }

    @Override
    public void recorded(Notice notice, RemoteCallOutcome outcome) {
        if (outcome.status() == RemoteCallOutcome.Status.DONE) {
            log.info("{} for tenant {} to {} accepted by push-service ({})", notice.what(), notice.tenantId(), notice.recipient(), outcome.code());
        } else {
            log.warn("{} for tenant {} to {} not sent: {} {} {}", notice.what(), notice.tenantId(), notice.recipient(), outcome.status(),
                    outcome.code(), outcome.detail());
        }
    }

    private String messageId(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node.path("messageId").asString("");
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) : s;
    }
}
