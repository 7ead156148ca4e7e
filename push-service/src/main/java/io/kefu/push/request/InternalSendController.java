package io.kefu.push.request;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.swagger.v3.oas.annotations.Hidden;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * How other services notify people (ticket's provider alerts, chat's fallback after WeChat's 45015,
 * daily reports): the same send, for a tenant named in the body, behind X-Kefu-Internal-Token. An
 * Idempotency-Key (e.g. the id of the event that caused it) makes the caller's retries harmless.
 */
@Hidden
@RestController
@RequestMapping("/internal/push")
class InternalSendController {

    private final Requests requests;

    InternalSendController(Requests requests) {
        this.requests = requests;
    }

    record InternalSend(@Nullable UUID tenantId, @JsonProperty("template_id") @Nullable UUID templateId, @Nullable String recipient,
            @Nullable JsonNode variables, @Nullable Integer priority) {
    }

    @PostMapping("/send")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Requests.Accepted send(@RequestBody InternalSend body, @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String key) {
        if (body.tenantId() == null) {
            throw new KefuProblemException(ProblemType.VALIDATION, "tenantId is required");
        }
        return requests.send(body.tenantId(), body.templateId(), body.recipient(), body.variables(), body.priority(), key);
    }
}
