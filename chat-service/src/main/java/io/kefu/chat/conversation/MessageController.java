package io.kefu.chat.conversation;

import java.util.List;
import java.util.UUID;

import io.kefu.chat.conversation.ConversationQueries.HistoryPage;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Messages of customers (mini-program) and staff (workbench): send, history, receipts. */
@RestController
@RequestMapping("/api/message")
@Tag(name = "messages")
class MessageController {

    record MessageIds(@NotEmpty @Size(max = 500) List<@NotNull UUID> messageIds) {
    }

    record Acknowledged(List<MessageView> changed) {
    }

    private final MessageSending sending;
    private final MessageReceipts receipts;
    private final ConversationQueries queries;

    MessageController(MessageSending sending, MessageReceipts receipts, ConversationQueries queries) {
        this.sending = sending;
        this.receipts = receipts;
        this.queries = queries;
    }

    @Operation(summary = "Send a message; a customer without conversationId joins or opens their conversation")
    @PostMapping("/send")
    @ResponseStatus(HttpStatus.CREATED)
    MessageView send(@Valid @RequestBody SendCommand command) {
        return sending.send(KefuPrincipal.require(), command);
    }

    @Operation(summary = "History, newest page first; pass nextCursor as before for the previous page")
    @GetMapping("/history")
    HistoryPage history(@RequestParam UUID conversationId, @RequestParam(required = false) @Nullable Long before,
            @RequestParam(defaultValue = "20") int limit) {
        return queries.history(KefuPrincipal.require(), conversationId, before, limit);
    }

    @Operation(summary = "Mark messages read (the receiving side)")
    @PutMapping("/read")
    Acknowledged read(@Valid @RequestBody MessageIds body) {
        return new Acknowledged(receipts.acknowledge(KefuPrincipal.require(), body.messageIds(), Receipt.READ));
    }

    @Operation(summary = "Mark messages delivered (the receiving side's client has them)")
    @PutMapping("/delivered")
    Acknowledged delivered(@Valid @RequestBody MessageIds body) {
        return new Acknowledged(receipts.acknowledge(KefuPrincipal.require(), body.messageIds(), Receipt.DELIVERED));
    }
}
