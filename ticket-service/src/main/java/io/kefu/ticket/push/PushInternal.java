package io.kefu.ticket.push;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.remote.RemoteCallOutcome;
import io.kefu.common.security.SecurityProperties;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * push-service's {@code POST /internal/push/send}, for this service's remote calls (linking codes by SMS,
 * staff alerts): one message from a tenant's template to one recipient, with an {@code Idempotency-Key}
 * push honours, so a call whose outcome was lost may be made again. Called with no transaction open.
 */
@Component
public class PushInternal {

    /** push's request: the seed's field names ({@code template_id}). */
    record PushSend(UUID tenantId, @JsonProperty("template_id") UUID templateId, String recipient, Map<String, String> variables,
            int priority) {
    }

    private final RestClient push;

    PushInternal(LiveProperties<SecurityProperties> security, RestClient.Builder builder) {
        var factory = new JdkClientHttpRequestFactory();
        factory.setReadTimeout(Duration.ofSeconds(5));
        // The internal token is read per call: it may change at run time (and so may the URL the caller passes).
        this.push = builder.clone().requestFactory(factory).requestInterceptor((request, body, execution) -> {
            request.getHeaders().set("X-Kefu-Internal-Token", security.get().internalToken());
            return execution.execute(request, body);
        }).build();
    }

    /**
     * Sends and answers the remote call's outcome: done when push accepted it, retried on 5xx and 429, failed
     * on another 4xx. Only the status is kept: push's answer might echo the variables (a code), and the
     * outcome is stored with the call. A connection failure is thrown (the remote calls retry it).
     */
    public RemoteCallOutcome send(String pushUrl, String idempotencyKey, UUID tenantId, UUID templateId, String recipient,
            Map<String, String> variables, int priority, String what) {
        try {
            push.post().uri(pushUrl + "/internal/push/send").header("Idempotency-Key", idempotencyKey)
                    .body(new PushSend(tenantId, templateId, recipient, variables, priority))
                    .retrieve().toBodilessEntity();
            return RemoteCallOutcome.done();
        } catch (RestClientResponseException e) {
            HttpStatusCode status = e.getStatusCode();
            if (status.is4xxClientError() && status.value() != 429) {
                return RemoteCallOutcome.failed(String.valueOf(status.value()), "push-service refused " + what);
            }
            return RemoteCallOutcome.retry(String.valueOf(status.value()), "push-service answered " + status.value());
        }
    }
}
