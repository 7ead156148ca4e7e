package io.kefu.ticket.linking;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.remote.RemoteCallKind;
import io.kefu.common.remote.RemoteCallOutcome;
import io.kefu.common.security.SecurityProperties;
import org.jspecify.annotations.Nullable;
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
 * id), so a call whose outcome was lost is safely made again. The code travels sealed in the stored call
 * and is opened only for the request (see {@link CodeSecrets}).
 */
@Component
class CodeSms implements RemoteCallKind<CodeSms.Sms> {

    private static final Logger log = LoggerFactory.getLogger(CodeSms.class);

    /**
     * The call's payload, stored in {@code kefu_remote_call} until purged: the code only sealed with the
     * service's key ({@link CodeSecrets}), so a database reader cannot send or type it. A payload written
     * before codes were sealed has no {@code sealedCode}; it is refused, not sent (the code is dead
     * within {@code code-ttl} anyway, and the customer asks again).
     */
    record Sms(UUID tenantId, UUID codeId, UUID templateId, String phone, @Nullable String sealedCode) {
    }

    record PushSend(UUID tenantId, @com.fasterxml.jackson.annotation.JsonProperty("template_id") UUID templateId, String recipient,
            Map<String, String> variables, int priority) {
    }

    private final RestClient push;
    private final LiveProperties<LinkProperties> properties;
    private final CodeSecrets secrets;

    CodeSms(LiveProperties<LinkProperties> properties, LiveProperties<SecurityProperties> security, RestClient.Builder builder,
            CodeSecrets secrets) {
        this.secrets = secrets;
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
        if (sms.sealedCode() == null) {
            return RemoteCallOutcome.failed("unsealed", "a payload without a sealed code is not sent");
        }
        // Opened here, in memory, for this one request; never logged (nor is the request body).
        String code = secrets.open(sms.sealedCode());
        try {
            push.post().uri(properties.get().pushUrl() + "/internal/push/send")
                    .header("Idempotency-Key", "ticket-link-code:" + sms.codeId())
                    .body(new PushSend(sms.tenantId(), sms.templateId(), sms.phone(), Map.of("code", code), 8))
                    .retrieve().toBodilessEntity();
            return RemoteCallOutcome.done();
        } catch (RestClientResponseException e) {
            HttpStatusCode status = e.getStatusCode();
            // Only the status: push's answer (or the exception's message, which quotes it) might echo the
            // variables, and the outcome is stored with the call.
            if (status.is4xxClientError() && status.value() != 429) {
                return RemoteCallOutcome.failed(String.valueOf(status.value()), "push-service refused the SMS");
            }
            return RemoteCallOutcome.retry(String.valueOf(status.value()), "push-service answered " + status.value());
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
