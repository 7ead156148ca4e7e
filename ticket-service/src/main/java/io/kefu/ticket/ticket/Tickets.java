package io.kefu.ticket.ticket;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventPublisher;
import io.kefu.ticket.client.Clients;
import io.kefu.ticket.client.Clients.ClientRef;
import io.kefu.ticket.events.TicketCreated;
import io.kefu.ticket.events.TicketEscalated;
import io.kefu.ticket.events.TicketRated;
import io.kefu.ticket.events.TicketReplied;
import io.kefu.ticket.events.TicketResolved;
import io.kefu.ticket.notice.NoticeType;
import io.kefu.ticket.notice.Notices;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs;
import io.kefu.ticket.provider.Providers;
import io.kefu.ticket.sla.SlaPolicy;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * What callers do to tickets. Who may act: a provider on the tickets of their own customers, the
 * tenant's staff on every ticket of the tenant, a chat customer on their own (reply, rate). A ticket
 * the caller may not see is a 404, so ids of others are not confirmed. Each change writes its history
 * step, its event and — when the provider did not make it themselves — a message in the provider's
 * message center, in one transaction.
 */
@Component
public class Tickets {

    static final int TITLE_MAX = 200;
    static final int CONTENT_MAX = 10_000;

    /** The seed's create request (customerId, title, content, type) plus an optional priority. */
    public record CreateRequest(@Nullable String customerId, @Nullable String title, @Nullable String content, @Nullable String type,
            @Nullable String priority) {
    }

    private final TicketRepository tickets;
    private final HistoryRepository history;
    private final Clients clients;
    private final Providers providers;
    private final Notices notices;
    private final SlaPolicy sla;
    private final EventPublisher events;
    private final LiveProperties<TicketProperties> properties;
    private final StaffAlerts alerts;
    private final Clock clock;

    Tickets(TicketRepository tickets, HistoryRepository history, Clients clients, Providers providers, Notices notices, SlaPolicy sla,
            EventPublisher events, LiveProperties<TicketProperties> properties, StaffAlerts alerts, Clock clock) {
        this.tickets = tickets;
        this.history = history;
        this.clients = clients;
        this.providers = providers;
        this.notices = notices;
        this.sla = sla;
        this.events = events;
        this.properties = properties;
        this.alerts = alerts;
        this.clock = clock;
    }

    @Transactional
    public UUID create(Caller caller, CreateRequest request) {
        String title = Inputs.text("title", request.title(), TITLE_MAX);
        String content = Inputs.text("content", request.content(), CONTENT_MAX);
        TicketType type = Inputs.wire("type", request.type(), TicketType.class, TicketType::wire)
                .orElseThrow(() -> Inputs.invalid("type", "is required"));
        TicketPriority priority = Inputs.wire("priority", request.priority(), TicketPriority.class, TicketPriority::wire)
                .orElse(type == TicketType.COMPLAINT ? TicketPriority.HIGH : TicketPriority.NORMAL);
        UUID customerId = optionalId("customerId", request.customerId());
        ClientRef client = null;
        if (caller.isCustomer()) {
            if (customerId != null) {
                throw Inputs.invalid("customerId", "customers open tickets for themselves; leave it out");
            }
            // Linked to exactly one provider's customer: the ticket is theirs, and their provider handles it.
            List<UUID> linked = tickets.linkedClients(caller.tenantId(), caller.userId());
            if (linked.size() == 1) {
                customerId = linked.getFirst();
                client = clients.visible(new Caller(caller.userId(), caller.tenantId(), Caller.Kind.STAFF, false), customerId);
            }
        } else {
            if (customerId == null) {
                throw Inputs.invalid("customerId", "is required");
            }
            client = clients.visible(caller, customerId);
        }
        Operator by = operator(caller);
        UUID providerId = client == null ? null : client.providerId();
        String assigneeName = providerId == null ? null : providers.nameOf(caller.tenantId(), providerId);
        Ticket ticket = Ticket.open(new Ticket.Draft(caller.tenantId(), providerId, customerId, caller.isCustomer() ? caller.userId() : null,
                null, title, content, type, priority, providerId, assigneeName, null, null), by, clock.instant());
        return opened(ticket, by, "api");
    }

    /** Saves a new ticket with its first history step, its event and the provider's message. */
    UUID opened(Ticket ticket, Operator by, String source) {
        tickets.save(ticket);
        history.save(ticket.created(by));
        events.publish(new TicketCreated(ticket.id, ticket.providerId, ticket.clientId, ticket.chatCustomerId, ticket.conversationId,
                ticket.type.wire(), ticket.priority.wire(), ticket.title, source, ticket.createdAt), ticket.tenantId.toString(),
                ticket.id.toString());
        if (ticket.providerId != null && !"provider".equals(by.type())) {
            tell(ticket, "新工单：" + ticket.title, by.name() + " 为您的客户创建了工单（" + ticket.type.wire() + "）。");
        }
        return ticket.id;
    }

    @Transactional
    public void reply(Caller caller, UUID id, @Nullable String text, boolean waitForCustomer) {
        String content = Inputs.text("content", text, CONTENT_MAX);
        Ticket ticket = visible(caller, id);
        Operator by = operator(caller);
        history.save(ticket.reply(by, content, waitForCustomer, sla.clock(ticket.tenantId), clock.instant()));
        events.publish(new TicketReplied(ticket.id, ticket.providerId, ticket.chatCustomerId, by.id(), by.type(), content,
                ticket.status.wire(), ticket.updatedAt), ticket.tenantId.toString(), ticket.id.toString());
        if (!caller.isProvider()) {
            tell(ticket, "工单有新回复：" + ticket.title, by.name() + "：" + abbreviate(content));
        }
    }

    @Transactional
    public void resolve(Caller caller, UUID id, @Nullable String note) {
        caller.requireNotCustomer();
        String text = Inputs.optionalText("note", note, CONTENT_MAX);
        Ticket ticket = visible(caller, id);
        Operator by = operator(caller);
        history.save(ticket.resolve(by, text, sla.clock(ticket.tenantId), clock.instant()));
        events.publish(new TicketResolved(ticket.id, ticket.providerId, ticket.chatCustomerId, by.id(), by.type(), ticket.createdAt,
                ticket.resolvedAt), ticket.tenantId.toString(), ticket.id.toString());
        if (!caller.isProvider()) {
            tell(ticket, "工单已解决：" + ticket.title, by.name() + " 已将工单标记为已解决。");
        }
    }

    @Transactional
    public void escalate(Caller caller, UUID id, @Nullable String reason) {
        caller.requireNotCustomer();
        String why = Inputs.text("reason", reason, 1000);
        Ticket ticket = visible(caller, id);
        escalate(ticket, operator(caller), why, false);
    }

    /**
     * Hands the ticket to the tenant's support staff: history, event, the staff's alerts through push-service
     * (after commit, once per staff member) and the provider's message.
     */
    void escalate(Ticket ticket, Operator by, String reason, boolean automatic) {
        history.save(ticket.escalate(by, reason, properties.get().supportName(), clock.instant()));
        alerts.escalated(ticket, reason, automatic);
        events.publish(new TicketEscalated(ticket.id, ticket.providerId, ticket.clientId, ticket.title, ticket.type.wire(), reason,
                automatic, by.id(), ticket.updatedAt), ticket.tenantId.toString(), ticket.id.toString());
        tell(ticket, (automatic ? "工单已自动升级：" : "工单已升级：") + ticket.title,
                "已转交" + properties.get().supportName() + "处理。原因：" + abbreviate(reason));
    }

    @Transactional
    public void rate(Caller caller, UUID id, @Nullable Integer score, @Nullable String comment) {
        if (!caller.isCustomer()) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only the customer rates a ticket");
        }
        if (score == null || score < 1 || score > 5) {
            throw Inputs.invalid("score", "must be between 1 and 5");
        }
        String text = Inputs.optionalText("comment", comment, 1000);
        Ticket ticket = visible(caller, id);
        history.save(ticket.rate(operator(caller), score, text, clock.instant()));
        events.publish(new TicketRated(ticket.id, ticket.providerId, ticket.chatCustomerId, score, text, ticket.ratedAt),
                ticket.tenantId.toString(), ticket.id.toString());
    }

    /** The ticket if the caller may see it, else 404. */
    Ticket visible(Caller caller, UUID id) {
        Ticket ticket = tickets.findByIdAndTenantId(id, caller.tenantId()).orElseThrow(() -> notFound(id));
        boolean sees = switch (caller.kind()) {
            case STAFF -> true;
            case PROVIDER -> caller.userId().equals(ticket.providerId);
            case CUSTOMER -> caller.userId().equals(ticket.chatCustomerId)
                    || (ticket.clientId != null && tickets.linked(ticket.clientId, caller.userId()));
        };
        if (!sees) {
            throw notFound(id);
        }
        return ticket;
    }

    void tell(Ticket ticket, String title, String content) {
        if (ticket.providerId == null) {
            return;
        }
        String customerName = ticket.clientId == null ? null
                : clients.nameOf(ticket.tenantId, ticket.clientId);
        notices.tell(ticket.tenantId, ticket.providerId, NoticeType.TICKET_UPDATE, title, content, ticket.clientId, customerName, ticket.id);
    }

    Operator operator(Caller caller) {
        return switch (caller.kind()) {
            case PROVIDER -> new Operator(caller.userId(), providers.nameOf(caller.tenantId(), caller.userId()), "provider");
            case STAFF -> new Operator(caller.userId(), caller.admin() ? "管理员" : "客服", "staff");
            case CUSTOMER -> new Operator(caller.userId(), "客户", "customer");
        };
    }

    static @Nullable UUID optionalId(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.strip());
        } catch (IllegalArgumentException e) {
            throw Inputs.invalid(field, "not an id");
        }
    }

    static KefuProblemException notFound(UUID id) {
        return new KefuProblemException(ProblemType.NOT_FOUND, "No ticket " + id, Map.of());
    }

    static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    Instant now() {
        return clock.instant();
    }
}
