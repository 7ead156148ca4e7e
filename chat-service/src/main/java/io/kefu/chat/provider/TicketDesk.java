package io.kefu.chat.provider;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.SecurityProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * ticket-service's {@code POST /internal/tickets/from-conversation}, called by the provider's escalation
 * in the request thread, with no transaction open. The call is synchronous because the mini-program
 * waits for the ticket's id (seed 004 §3.5 answers {@code ticketId}); ticket-service makes one ticket per
 * conversation, so a retry answers the first ticket.
 */
@Component
class TicketDesk {

    record Line(String senderType, String content, String at) {
    }

    record FromConversation(UUID tenantId, UUID conversationId, UUID chatCustomerId, String customerId, String title,
            @Nullable String content, String type, @Nullable String firstCustomerMessageAt, List<Line> transcript, UUID requestedBy,
            String requestedByType, String escalationReason) {
    }

    record Made(UUID ticketId, boolean created) {
    }

    private final RestClient ticket;

    TicketDesk(@Value("${kefu.chat.ticket-url}") String ticketUrl, LiveProperties<SecurityProperties> security, RestClient.Builder builder) {
        var factory = new JdkClientHttpRequestFactory();
        factory.setReadTimeout(Duration.ofSeconds(10));
        this.ticket = builder.clone().baseUrl(ticketUrl).requestFactory(factory).requestInterceptor((request, body, execution) -> {
            request.getHeaders().set("X-Kefu-Internal-Token", security.get().internalToken());
            return execution.execute(request, body);
        }).build();
    }

    Made fromConversation(FromConversation request) {
        try {
            Made made = ticket.post().uri("/internal/tickets/from-conversation").body(request).retrieve().body(Made.class);
            if (made == null) {
                throw new KefuProblemException(ProblemType.UNAVAILABLE, "ticket-service answered without a ticket");
            }
            return made;
        } catch (RestClientResponseException e) {
            if (e.getStatusCode().value() == HttpStatus.NOT_FOUND.value()) {
                throw new KefuProblemException(ProblemType.NOT_FOUND, "No customer " + request.customerId() + " of yours");
            }
            if (e.getStatusCode().is4xxClientError()) {
                // ticket-service refused the content (too long, bad characters): the caller's input, said as ticket said it.
                throw new KefuProblemException(ProblemType.VALIDATION, "ticket-service refused the escalation: " + e.getResponseBodyAsString());
            }
            throw new KefuProblemException(ProblemType.UNAVAILABLE, "ticket-service cannot make the ticket now (" + e.getStatusCode().value() + ")");
        } catch (RestClientException e) {
            throw new KefuProblemException(ProblemType.UNAVAILABLE, "ticket-service cannot be reached now: " + e.getMessage());
        }
    }
}
