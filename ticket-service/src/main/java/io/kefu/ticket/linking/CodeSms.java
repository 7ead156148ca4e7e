package io.kefu.ticket.linking;

import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.remote.RemoteCallKind;
import io.kefu.common.remote.RemoteCallOutcome;
import io.kefu.ticket.push.PushInternal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

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

    private final PushInternal push;
    private final LiveProperties<LinkProperties> properties;
    private final CodeSecrets secrets;

    CodeSms(LiveProperties<LinkProperties> properties, PushInternal push, CodeSecrets secrets) {
        this.properties = properties;
        this.push = push;
        this.secrets = secrets;
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
        return push.send(properties.get().pushUrl(), "ticket-link-code:" + sms.codeId(), sms.tenantId(), sms.templateId(), sms.phone(),
                Map.of("code", code), 8, "the SMS");
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
