package io.kefu.ticket.ticket;

import io.kefu.ticket.ticket.ConversationTickets.FromConversation;
import io.kefu.ticket.ticket.ConversationTickets.Made;
import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** For other services (chat, the agent desk): a conversation becomes a ticket. X-Kefu-Internal-Token. */
@RestController
@Hidden
class InternalTicketController {

    private final ConversationTickets conversations;

    InternalTicketController(ConversationTickets conversations) {
        this.conversations = conversations;
    }

    @PostMapping("/internal/tickets/from-conversation")
    ResponseEntity<Made> fromConversation(@RequestBody FromConversation request) {
        Made made = conversations.make(request);
        return ResponseEntity.status(made.created() ? HttpStatus.CREATED : HttpStatus.OK).body(made);
    }
}
