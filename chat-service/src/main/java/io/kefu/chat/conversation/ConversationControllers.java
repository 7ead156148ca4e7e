package io.kefu.chat.conversation;

import java.util.List;
import java.util.UUID;

import io.kefu.chat.conversation.ConversationService.ConversationSummary;
import io.kefu.chat.conversation.ConversationService.EndCommand;
import io.kefu.chat.conversation.ConversationService.HistoryPage;
import io.kefu.chat.conversation.ConversationService.RateCommand;
import io.kefu.chat.conversation.ConversationService.Receipt;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The conversation and message API of customers (mini-program) and staff (workbench). */
final class ConversationControllers {

    private ConversationControllers() {
    }

    record MessageIds(@NotEmpty @Size(max = 500) List<@NotNull UUID> messageIds) {
    }

    record Acknowledged(List<MessageView> changed) {
    }

    @RestController
    @RequestMapping("/api/message")
    @Tag(name = "messages")
    static class Messages {

        private final ConversationService service;

        Messages(ConversationService service) {
            this.service = service;
        }

        @Operation(summary = "Send a message; a customer without conversationId joins or opens their conversation")
        @PostMapping("/send")
        @ResponseStatus(HttpStatus.CREATED)
        MessageView send(@Valid @RequestBody SendCommand command) {
            return service.send(KefuPrincipal.require(), command);
        }

        @Operation(summary = "History, newest page first; pass nextCursor as before for the previous page")
        @GetMapping("/history")
        HistoryPage history(@RequestParam UUID conversationId, @RequestParam(required = false) @Nullable Long before,
                @RequestParam(defaultValue = "20") int limit) {
            return service.history(KefuPrincipal.require(), conversationId, before, limit);
        }

        @Operation(summary = "Mark messages read (the receiving side)")
        @PutMapping("/read")
        Acknowledged read(@Valid @RequestBody MessageIds body) {
            return new Acknowledged(service.acknowledge(KefuPrincipal.require(), body.messageIds(), Receipt.READ));
        }

        @Operation(summary = "Mark messages delivered (the receiving side's client has them)")
        @PutMapping("/delivered")
        Acknowledged delivered(@Valid @RequestBody MessageIds body) {
            return new Acknowledged(service.acknowledge(KefuPrincipal.require(), body.messageIds(), Receipt.DELIVERED));
        }
    }

    @RestController
    @RequestMapping("/api/conversations")
    @Tag(name = "conversations")
    static class Conversations {

        private final ConversationService service;

        Conversations(ConversationService service) {
            this.service = service;
        }

        @Operation(summary = "My conversations with unread counts (customer: own; agent: assigned; supervisor: tenant)")
        @GetMapping
        List<ConversationSummary> list(@RequestParam(required = false) @Nullable String status,
                @RequestParam(defaultValue = "50") int limit) {
            return service.list(KefuPrincipal.require(), status, limit);
        }

        @GetMapping("/{id}")
        ConversationView get(@PathVariable UUID id) {
            return service.get(KefuPrincipal.require(), id);
        }

        @Operation(summary = "End: customers end with user_ended; staff with service_ended (default), resolved or transferred")
        @PostMapping("/{id}/end")
        ConversationView end(@PathVariable UUID id, @Valid @RequestBody(required = false) @Nullable EndCommand command) {
            return service.end(KefuPrincipal.require(), id, command == null ? new EndCommand(null, null) : command);
        }

        @Operation(summary = "The customer rates an ended conversation 1-5, once")
        @PostMapping("/{id}/rating")
        ConversationView rate(@PathVariable UUID id, @Valid @RequestBody RateCommand command) {
            return service.rate(KefuPrincipal.require(), id, command);
        }
    }

    record PostMessage(@NotBlank String senderType, @Nullable String type, @NotBlank @Size(max = 4000) String content,
            @Nullable JsonNode extra) {
    }

    record SystemEnd(@NotBlank String reason, @Nullable String comment) {
    }

    /** For other services (routing's notices and timeouts, kb-ai's answers); X-Kefu-Internal-Token. */
    @RestController
    @RequestMapping("/internal/conversations")
    @Tag(name = "internal", description = "service-to-service; X-Kefu-Internal-Token")
    static class Internal {

        private final ConversationService service;

        Internal(ConversationService service) {
            this.service = service;
        }

        @PostMapping("/{id}/messages")
        @ResponseStatus(HttpStatus.CREATED)
        MessageView post(@PathVariable UUID id, @Valid @RequestBody PostMessage body) {
            SenderType sender = switch (body.senderType()) {
                case "ai" -> SenderType.AI;
                case "system" -> SenderType.SYSTEM;
                default -> throw new io.kefu.common.error.KefuProblemException(io.kefu.common.error.ProblemType.VALIDATION,
                        "senderType must be ai or system");
            };
            MessageType type = MessageType.find(body.type() == null ? (sender == SenderType.SYSTEM ? "system" : "text") : body.type())
                    .orElseThrow(() -> new io.kefu.common.error.KefuProblemException(io.kefu.common.error.ProblemType.VALIDATION,
                            "type must be text, image, voice, file or system"));
            return service.post(id, sender, type, body.content(), body.extra());
        }

        @PostMapping("/{id}/end")
        ConversationView end(@PathVariable UUID id, @Valid @RequestBody SystemEnd body) {
            return service.endBySystem(id, body.reason(), body.comment(), null);
        }
    }
}
