package io.kefu.chat.conversation;

import java.util.List;
import java.util.UUID;

import io.kefu.chat.conversation.ConversationEnding.EndCommand;
import io.kefu.chat.conversation.ConversationEnding.RateCommand;
import io.kefu.chat.conversation.ConversationQueries.ConversationSummary;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Conversations of customers and staff: list, read, end, rate. */
@RestController
@RequestMapping("/api/conversations")
@Tag(name = "conversations")
class ConversationController {

    private final ConversationQueries queries;
    private final ConversationEnding ending;

    ConversationController(ConversationQueries queries, ConversationEnding ending) {
        this.queries = queries;
        this.ending = ending;
    }

    @Operation(summary = "My conversations with unread counts (customer: own; agent: assigned; supervisor: tenant)")
    @GetMapping
    List<ConversationSummary> list(@RequestParam(required = false) @Nullable String status, @RequestParam(defaultValue = "50") int limit) {
        return queries.list(KefuPrincipal.require(), status, limit);
    }

    @GetMapping("/{id}")
    ConversationView get(@PathVariable UUID id) {
        return queries.get(KefuPrincipal.require(), id);
    }

    @Operation(summary = "End: customers end with user_ended; staff with service_ended (default), resolved or transferred")
    @PostMapping("/{id}/end")
    ConversationView end(@PathVariable UUID id, @Valid @RequestBody(required = false) @Nullable EndCommand command) {
        return ending.end(KefuPrincipal.require(), id, command == null ? new EndCommand(null, null) : command);
    }

    @Operation(summary = "The customer rates an ended conversation 1-5, once")
    @PostMapping("/{id}/rating")
    ConversationView rate(@PathVariable UUID id, @Valid @RequestBody RateCommand command) {
        return ending.rate(KefuPrincipal.require(), id, command);
    }
}
