package io.kefu.ticket.linking;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.remote.RemoteCallKind;
import io.kefu.common.remote.RemoteCallOutcome;
import io.kefu.common.security.SecurityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * Sends a linking code by SMS through push-service's {@code POST /internal/push/send}: a remote call
 * (common's {@code RemoteCalls}) enqueued in the transaction that stores the code and made after its
 * commit, never with a transaction open. push-service honours the {@code Idempotency-Key} (the code's
 * id), so a call whose outcome was lost is safely made again.
 */
@Component
class CodeSms implements RemoteCallKind<CodeSms.Sms> {

    private static final Logger log = LoggerFactory.getLogger(CodeSms.class);

    /** What is sent; the code itself lives here only until the call is settled and purged. */
    record Sms(UUID tenantId, UUID codeId, UUID templateId, String phone, String code) {
    }

    record PushSend(UUID tenantId, @com.fasterxml.jackson.annotation.JsonProperty("template_id") UUID templateId, String recipient,
            Map<String, String> variables, int priority) {
    }

    private final RestClient push;
    private final LiveProperties<LinkProperties> properties;

    CodeSms(LiveProperties<LinkProperties> properties, LiveProperties<SecurityProperties> security, RestClient.Builder builder) {
        var factory = new JdkClientHttpRequestFactory();
        factory.setReadTimeout(Duration.ofSeconds(5));
        this.properties = properties;
        // The URL and the internal token are read per call: both may change at run time.
        this.push = builder.clone().requestFactory(factory).requestInterceptor((request, body, execution) -> {
            request.getHeaders().set("X-Kefu-Internal-Token", security.get().internalToken());
            return execution.execute(request, body);
        }).build();
    }

    @Override
    public String name() {
        return "ticket.link-code-sms";
    }

    @Override
    public Class<Sms> payloadType() {
        return Sms.class;
    }

    @Override
    public RemoteCallOutcome call(Sms sms, Attempt attempt) {
        try {
            push.post().uri(properties.get().pushUrl() + "/internal/push/send")
                    .header("Idempotency-Key", "ticket-link-code:" + sms.codeId())
                    .body(new PushSend(sms.tenantId(), sms.templateId(), sms.phone(), Map.of("code", sms.code()), 8))
                    .retrieve().toBodilessEntity();
            return RemoteCallOutcome.done();
        } catch (RestClientResponseException e) {
            HttpStatusCode status = e.getStatusCode();
            if (status.is4xxClientError() && status.value() != 429) {
                return RemoteCallOutcome.failed(String.valueOf(status.value()), e.getResponseBodyAsString());
            }
            return RemoteCallOutcome.retry(String.valueOf(status.value()), e.getMessage());
        }
    }

    @Override
    public void recorded(Sms sms, RemoteCallOutcome outcome) {
        if (outcome.status() != RemoteCallOutcome.Status.DONE) {
            // The customer sees no SMS and asks again after resend-after; nothing else to undo.
            log.warn("linking code {} of tenant {} was not sent: {} {}", sms.codeId(), sms.tenantId(), outcome.code(), outcome.detail());
        }
    }

    @Override
    public LostOutcome whenOutcomeLost() {
        return LostOutcome.RESEND;
    }
}
