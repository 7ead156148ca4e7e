package io.kefu.push.request;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The seed's send API: one message or a batch of up to 10,000, accepted at once (202) and sent by priority. */
@RestController
@RequestMapping("/api/messages")
@Tag(name = "messages")
class SendController {

    private final Requests requests;

    SendController(Requests requests) {
        this.requests = requests;
    }

    record SendBody(@JsonProperty("template_id") @Nullable UUID templateId, @Nullable String recipient, @Nullable JsonNode variables,
            @Nullable Integer priority) {
    }

    record BatchBody(@JsonProperty("template_id") @Nullable UUID templateId, @Nullable JsonNode recipients, @Nullable JsonNode variables,
            @Nullable Integer priority) {
    }

    @Operation(summary = "Send one message from a template (tenant admin); 202 with its id, then queued by priority 0-10")
    @PostMapping("/send")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Requests.Accepted send(@RequestBody SendBody body, @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String key) {
        KefuPrincipal me = admin();
        return requests.send(me.tenantId(), body.templateId(), body.recipient(), body.variables(), body.priority(), key);
    }

    @Operation(summary = "Send a template to up to 10,000 recipients (tenant admin); 202 with the batch id and the per-recipient rejections")
    @PostMapping("/send-batch")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Requests.BatchReport sendBatch(@RequestBody BatchBody body,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String key) {
        KefuPrincipal me = admin();
        return requests.sendBatch(me.tenantId(), me.userId(), body.templateId(), body.recipients(), body.variables(), body.priority(), key);
    }

    static KefuPrincipal admin() {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("admin") || me.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Admins of a tenant only");
        }
        return me;
    }
}
