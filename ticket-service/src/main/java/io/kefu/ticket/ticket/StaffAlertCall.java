package io.kefu.ticket.ticket;

import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.remote.RemoteCallKind;
import io.kefu.common.remote.RemoteCallOutcome;
import io.kefu.ticket.linking.LinkProperties;
import io.kefu.ticket.push.PushInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

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

    private final PushInternal push;
    private final LiveProperties<LinkProperties> links;

    StaffAlertCall(LiveProperties<LinkProperties> links, PushInternal push) {
        this.links = links;
        this.push = push;
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
        return push.send(links.get().pushUrl(), "ticket-staff-alert:" + alert.key(), alert.tenantId(), alert.templateId(), alert.recipient(),
                alert.variables(), alert.priority(), "the alert");
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
}
