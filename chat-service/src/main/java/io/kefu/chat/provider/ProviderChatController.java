package io.kefu.chat.provider;

import io.kefu.chat.provider.ProviderChat.ChatPage;
import io.kefu.chat.provider.ProviderChat.Escalated;
import io.kefu.chat.provider.ProviderChat.Sent;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Seed 004 §3.5 with its exact paths and fields: the provider mini-program's chat with their customers. */
@RestController
@RequestMapping("/api/chat")
@Tag(name = "provider chat", description = "provider: their customers' consultations")
class ProviderChatController {

    record SendRequest(@Nullable String customerId, @Nullable String content, @Nullable String clientMsgId) {
    }

    record EscalateRequest(@Nullable String customerId, @Nullable String content, @Nullable String reason) {
    }

    private final ProviderChat chat;

    ProviderChatController(ProviderChat chat) {
        this.chat = chat;
    }

    @GetMapping("/messages")
    @Operation(summary = "The customer's consultation messages, newest first")
    ChatPage messages(@RequestParam(required = false) String customerId, @RequestParam(required = false) Integer page,
            @RequestParam(required = false) Integer pageSize) {
        return chat.messages(KefuPrincipal.require(), customerId, page, pageSize);
    }

    @PostMapping("/send")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Answer in the customer's open consultation")
    Sent send(@RequestBody SendRequest body) {
        return chat.send(KefuPrincipal.require(), body.customerId(), body.content(), body.clientMsgId());
    }

    @PostMapping("/escalate")
    @Operation(summary = "Turn the customer's latest consultation into a ticket escalated to the tenant's support staff")
    Escalated escalate(@RequestBody EscalateRequest body) {
        return chat.escalate(KefuPrincipal.require(), body.customerId(), body.content(), body.reason());
    }
}
