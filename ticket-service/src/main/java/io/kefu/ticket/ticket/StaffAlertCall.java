package io.kefu.ticket.ticket;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.remote.RemoteCallKind;
import io.kefu.common.remote.RemoteCallOutcome;
import io.kefu.common.security.SecurityProperties;
import io.kefu.ticket.linking.LinkProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * One alert to one support staff member through push-service's {@code POST /internal/push/send} (the
 * tenant's WeCom app-message template, recipient = the member's WeCom userid), made after the commit of
 * the escalation or breach that enqueued it. push honours the {@code Idempotency-Key}, so a call whose
 * outcome was lost is made again safely; 5xx and 429 are retried with the remote calls' backoff; another
 * 4xx (a template that does not fit, a userid push refuses) fails at once and is logged.
 */
@Component
class StaffAlertCall implements RemoteCallKind<StaffAlertCall.Alert> {

    private static final Logger log = LoggerFactory.getLogger(StaffAlertCall.class);

    /** The stored payload: nothing secret (a ticket's title and reason, a WeCom userid). */
    record Alert(UUID tenantId, UUID templateId, String recipient, Map<String, String> variables, int priority, String key) {
    }

    record PushSend(UUID tenantId, @JsonProperty("template_id") UUID templateId, String recipient, Map<String, String> variables,
            int priority) {
    }

    private final RestClient push;
    private final LiveProperties<LinkProperties> links;

    StaffAlertCall(LiveProperties<LinkProperties> links, LiveProperties<SecurityProperties> security, RestClient.Builder builder) {
        this.links = links;
        var factory = new JdkClientHttpRequestFactory();
        factory.setReadTimeout(Duration.ofSeconds(5));
        // The URL and the internal token are read per call: both may change at run time.
        this.push = builder.clone().requestFactory(factory).requestInterceptor((request, body, execution) -> {
            request.getHeaders().set("X-Kefu-Internal-Token", security.get().internalToken());
            return execution.execute(request, body);
        }).build();
    }

    @Override
    public String name() {
        return "ticket.staff-alert";
    }

    @Override
    public Class<Alert> payloadType() {
        return Alert.class;
    }

    @Override
    public RemoteCallOutcome call(Alert alert, Attempt attempt) {
        try {
            push.post().uri(links.get().pushUrl() + "/internal/push/send")
                    .header("Idempotency-Key", "ticket-staff-alert:" + alert.key())
                    .body(new PushSend(alert.tenantId(), alert.templateId(), alert.recipient(), alert.variables(), alert.priority()))
                    .retrieve().toBodilessEntity();
            return RemoteCallOutcome.done();
        } catch (RestClientResponseException e) {
            HttpStatusCode status = e.getStatusCode();
            if (status.is4xxClientError() && status.value() != 429) {
                return RemoteCallOutcome.failed(String.valueOf(status.value()), "push-service refused the alert: "
                        + abbreviate(e.getResponseBodyAsString()));
            }
            return RemoteCallOutcome.retry(String.valueOf(status.value()), "push-service answered " + status.value());
        }
    }

    @Override
    public void recorded(Alert alert, RemoteCallOutcome outcome) {
        if (outcome.status() != RemoteCallOutcome.Status.DONE) {
            // The ticket is still in staff's escalated list; the alert is what was lost.
            log.warn("staff alert {} of tenant {} to {} was not sent: {} {}", alert.key(), alert.tenantId(), alert.recipient(),
                    outcome.code(), outcome.detail());
        }
    }

    @Override
    public LostOutcome whenOutcomeLost() {
        return LostOutcome.RESEND;
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
