package io.kefu.ticket.ticket;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import io.kefu.ticket.client.Clients;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs;
import io.kefu.ticket.provider.Providers;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * A conversation turned into a ticket: the transcript is kept on the ticket, and the SLA clock starts
 * at the customer's first message. One ticket per conversation: asking again answers the first.
 */
@Component
public class ConversationTickets {

    public record Line(@Nullable String senderType, @Nullable String content, @Nullable String at) {
    }

    /**
     * chat (or the agent's desk, or the provider's chat) asks: which conversation, whose, the first
     * customer message's time, and the transcript lines. {@code customerId} names the provider's
     * customer when the chat customer is bound to one.
     */
    public record FromConversation(@Nullable UUID tenantId, @Nullable UUID conversationId, @Nullable UUID chatCustomerId,
            @Nullable String customerId, @Nullable String title, @Nullable String content, @Nullable String type, @Nullable String priority,
            @Nullable String firstCustomerMessageAt, @Nullable List<Line> transcript, @Nullable UUID requestedBy,
            @Nullable String requestedByType, @Nullable String escalationReason) {
    }

    public record Made(UUID ticketId, boolean created) {
    }

    private final Tickets tickets;
    private final TicketRepository repository;
    private final Clients clients;
    private final Providers providers;
    private final JsonMapper json;
    private final Clock clock;

    ConversationTickets(Tickets tickets, TicketRepository repository, Clients clients, Providers providers, JsonMapper json, Clock clock) {
        this.tickets = tickets;
        this.repository = repository;
        this.clients = clients;
        this.providers = providers;
        this.json = json;
        this.clock = clock;
    }

    @Transactional
    public Made make(FromConversation r) {
        if (r.tenantId() == null) {
            throw Inputs.invalid("tenantId", "is required");
        }
        if (r.conversationId() == null) {
            throw Inputs.invalid("conversationId", "is required");
        }
        var existing = repository.findByConversationId(r.conversationId());
        if (existing.isPresent()) {
            if (!existing.get().tenantId.equals(r.tenantId())) {
                throw Tickets.notFound(r.conversationId());
            }
            return new Made(existing.get().id, false);
        }
        String title = Inputs.text("title", r.title(), Tickets.TITLE_MAX);
        TicketType type = Inputs.wire("type", r.type(), TicketType.class, TicketType::wire).orElse(TicketType.SYSTEM_ISSUE);
        TicketPriority priority = Inputs.wire("priority", r.priority(), TicketPriority.class, TicketPriority::wire)
                .orElse(type == TicketType.COMPLAINT ? TicketPriority.HIGH : TicketPriority.NORMAL);
        Instant first;
        try {
            first = r.firstCustomerMessageAt() == null ? null : OffsetDateTime.parse(r.firstCustomerMessageAt()).toInstant();
        } catch (DateTimeParseException e) {
            throw Inputs.invalid("firstCustomerMessageAt", "not an ISO-8601 time with offset");
        }
        List<Line> lines = r.transcript() == null ? List.of() : r.transcript();
        if (lines.size() > 2000) {
            throw Inputs.invalid("transcript", "at most 2000 lines");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            String sender = Inputs.text("transcript[" + i + "].senderType", line.senderType(), 16);
            String content = Inputs.optionalText("transcript[" + i + "].content", line.content(), 10_000);
            try {
                if (line.at() != null) {
                    OffsetDateTime.parse(line.at());
                }
            } catch (DateTimeParseException e) {
                throw Inputs.invalid("transcript[" + i + "].at", "not an ISO-8601 time with offset");
            }
            if (text.length() < 9_000 && content != null) {
                text.append(sender).append("：").append(content).append('\n');
            }
        }
        String content = Inputs.optionalText("content", r.content(), Tickets.CONTENT_MAX);
        String reason = Inputs.optionalText("escalationReason", r.escalationReason(), 1000);
        boolean byProvider = "provider".equals(r.requestedByType());
        if (r.requestedByType() != null && !byProvider && !"staff".equals(r.requestedByType())) {
            throw Inputs.invalid("requestedByType", "must be staff or provider");
        }
        if (byProvider && (r.requestedBy() == null || r.customerId() == null)) {
            throw Inputs.invalid(r.requestedBy() == null ? "requestedBy" : "customerId", "is required when a provider asks");
        }
        UUID clientId = Tickets.optionalId("customerId", r.customerId());
        UUID providerId = null;
        if (clientId != null) {
            // A provider may only turn their own customer's conversation into a ticket (404 otherwise, as everywhere).
            Caller reader = byProvider ? new Caller(r.requestedBy(), r.tenantId(), Caller.Kind.PROVIDER, false)
                    : new Caller(new UUID(0, 0), r.tenantId(), Caller.Kind.STAFF, false);
            providerId = clients.visible(reader, clientId).providerId();
        }
        Operator by = r.requestedBy() == null ? Operator.SYSTEM
                : byProvider ? new Operator(r.requestedBy(), providers.nameOf(r.tenantId(), r.requestedBy()), "provider")
                : new Operator(r.requestedBy(), "客服", "staff");
        Ticket ticket = Ticket.open(new Ticket.Draft(r.tenantId(), providerId, clientId, r.chatCustomerId(), r.conversationId(), title,
                content != null ? content : text.isEmpty() ? title : text.toString().strip(), type, priority, providerId,
                providerId == null ? null : providers.nameOf(r.tenantId(), providerId), first, json.writeValueAsString(lines)), by,
                clock.instant());
        try {
            UUID id = tickets.opened(ticket, by, "conversation");
            if (reason != null) {
                tickets.escalate(ticket, by, reason, false); // the provider's chat escalation: made and handed to support at once
            }
            return new Made(id, true);
        } catch (DataIntegrityViolationException e) {
            throw new io.kefu.common.error.KefuProblemException(io.kefu.common.error.ProblemType.CONFLICT,
                    "A ticket for conversation " + r.conversationId() + " is being made; ask again");
        }
    }
}
