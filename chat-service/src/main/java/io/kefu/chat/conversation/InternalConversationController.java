package io.kefu.chat.conversation;

import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** For other services (routing's notices and timeouts, kb-ai's answers); X-Kefu-Internal-Token. */
@RestController
@RequestMapping("/internal/conversations")
@Tag(name = "internal", description = "service-to-service; X-Kefu-Internal-Token")
class InternalConversationController {

    record PostMessage(@NotBlank String senderType, @Nullable String type, @NotBlank @Size(max = 4000) String content,
            @Nullable JsonNode extra) {
    }

    record SystemEnd(@NotBlank String reason, @Nullable String comment) {
    }

    private final MessageSending sending;
    private final ConversationEnding ending;

    InternalConversationController(MessageSending sending, ConversationEnding ending) {
        this.sending = sending;
        this.ending = ending;
    }

    @PostMapping("/{id}/messages")
    @ResponseStatus(HttpStatus.CREATED)
    MessageView post(@PathVariable UUID id, @Valid @RequestBody PostMessage body) {
        SenderType sender = switch (body.senderType()) {
            case "ai" -> SenderType.AI;
            case "system" -> SenderType.SYSTEM;
            default -> throw new KefuProblemException(ProblemType.VALIDATION, "senderType must be ai or system");
        };
        MessageType type = MessageType.find(body.type() == null ? (sender == SenderType.SYSTEM ? "system" : "text") : body.type())
                .orElseThrow(() -> new KefuProblemException(ProblemType.VALIDATION, "type must be text, image, voice, file or system"));
        return sending.post(id, sender, type, body.content(), body.extra());
    }

    @PostMapping("/{id}/end")
    ConversationView end(@PathVariable UUID id, @Valid @RequestBody SystemEnd body) {
        return ending.endBySystem(id, body.reason(), body.comment(), null);
    }
}
