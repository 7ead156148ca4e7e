package io.kefu.chat.provider;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.MessageView;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The provider mini-program's chat (seed 004 §3.5, §5.3 item 6): a provider reads the consultations of
 * their own customers ({@code customerId} is the provider's customer, ticket-service's id), answers in
 * the customer's open conversation, and escalates a consultation into a ticket handed to the tenant's
 * support staff. Whose customer is whose comes from {@link ProviderCustomers}; anything not the
 * provider's answers 404, so other providers' ids are not confirmed.
 */
@Service
class ProviderChat {

    static final ProblemType NO_CONVERSATION = new ProblemType("no-conversation", HttpStatus.CONFLICT,
            "The customer has no conversation to answer");
    static final int MAX_PAGE_SIZE = 100;
    private static final int TRANSCRIPT_MAX = 2000;

    /** One message of a customer's consultations as the provider sees it. */
    record ChatLine(UUID id, UUID conversationId, UUID customerId, UUID chatCustomerId, String senderType, @Nullable UUID senderId,
            String type, String content, String status, Instant createdAt) {
    }

    record ChatPage(List<ChatLine> messages, long total, int page, int pageSize) {
    }

    record Sent(UUID messageId, UUID conversationId, String status, Instant createdAt) {
    }

    record Escalated(UUID ticketId, boolean created, UUID conversationId) {
    }

    private final ProviderCustomers customers;
    private final MessageSending sending;
    private final TicketDesk tickets;
    private final JdbcTemplate jdbc;

    ProviderChat(ProviderCustomers customers, MessageSending sending, TicketDesk tickets, JdbcTemplate jdbc) {
        this.customers = customers;
        this.sending = sending;
        this.tickets = tickets;
        this.jdbc = jdbc;
    }

    /** Newest first: the page the mini-program shows when it opens a customer's chat. */
    ChatPage messages(KefuPrincipal provider, @Nullable String customerId, @Nullable Integer page, @Nullable Integer pageSize) {
        int p = page == null ? 1 : page;
        int size = pageSize == null ? 20 : pageSize;
        if (p < 1 || p > 100_000) {
            throw invalid("page", "must be between 1 and 100000");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw invalid("pageSize", "must be between 1 and " + MAX_PAGE_SIZE);
        }
        Owned owned = owned(provider, customerId);
        UUID[] chat = owned.chatCustomers().toArray(UUID[]::new);
        long total = jdbc.queryForObject("""
                select count(*) from message m join conversation c on c.id = m.conversation_id
                where c.tenant_id = ? and c.customer_id = any(?)""", Long.class, provider.tenantId(), chat);
        List<ChatLine> lines = jdbc.query("""
                        select m.id, m.conversation_id, c.customer_id, m.sender_type, m.sender_id, m.type, m.content, m.status, m.created_at
                        from message m join conversation c on c.id = m.conversation_id
                        where c.tenant_id = ? and c.customer_id = any(?)
                        order by m.seq desc limit ? offset ?""",
                (rs, i) -> new ChatLine(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), owned.clientId(), rs.getObject(3, UUID.class),
                        rs.getString(4), rs.getObject(5, UUID.class), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getTimestamp(9).toInstant()),
                provider.tenantId(), chat, size, (long) (p - 1) * size);
        return new ChatPage(lines, total, p, size);
    }

    Sent send(KefuPrincipal provider, @Nullable String customerId, @Nullable String content, @Nullable String clientMsgId) {
        String text = text("content", content, 4000);
        if (clientMsgId != null && clientMsgId.length() > 64) {
            throw invalid("clientMsgId", "at most 64 characters");
        }
        Owned owned = owned(provider, customerId);
        UUID conversation = jdbc.query("""
                        select id from conversation where tenant_id = ? and customer_id = any(?) and status in ('waiting', 'active')
                        order by last_message_at desc limit 1""",
                (rs, i) -> rs.getObject(1, UUID.class), provider.tenantId(), owned.chatCustomers().toArray(UUID[]::new))
                .stream().findFirst()
                .orElseThrow(() -> new KefuProblemException(NO_CONVERSATION,
                        "Customer " + owned.clientId() + " has no open consultation; they start one by writing"));
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.put("via", "provider");
        extra.put("customerId", owned.clientId().toString());
        MessageView sent = sending.postAsProvider(conversation, provider.userId(), text, extra, clientMsgId);
        return new Sent(sent.id(), sent.conversationId(), sent.status(), sent.createdAt());
    }

    /** The customer's latest consultation becomes a ticket (transcript kept, SLA from their first message), escalated at once. */
    Escalated escalate(KefuPrincipal provider, @Nullable String customerId, @Nullable String content, @Nullable String reason) {
        String why = text("reason", reason, 1000);
        String body = content == null || content.isBlank() ? null : text("content", content, 10_000);
        Owned owned = owned(provider, customerId);
        record Latest(UUID id, UUID customerId) {
        }
        Latest latest = jdbc.query("""
                        select id, customer_id from conversation where tenant_id = ? and customer_id = any(?)
                        order by last_message_at desc limit 1""",
                (rs, i) -> new Latest(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)), provider.tenantId(),
                owned.chatCustomers().toArray(UUID[]::new)).stream().findFirst()
                .orElseThrow(() -> new KefuProblemException(NO_CONVERSATION, "Customer " + owned.clientId() + " has no consultation to escalate"));
        List<TicketDesk.Line> transcript = new ArrayList<>();
        Instant[] first = {null};
        jdbc.query("select sender_type, content, created_at from message where conversation_id = ? order by seq limit ?", rs -> {
            Instant at = rs.getTimestamp(3).toInstant();
            if (first[0] == null && "customer".equals(rs.getString(1))) {
                first[0] = at;
            }
            transcript.add(new TicketDesk.Line(rs.getString(1), rs.getString(2), at.atOffset(ZoneOffset.UTC).toString()));
        }, latest.id(), TRANSCRIPT_MAX);
        String title = abbreviate((body != null ? body : why).strip(), 60);
        TicketDesk.Made made = tickets.fromConversation(new TicketDesk.FromConversation(provider.tenantId(), latest.id(), latest.customerId(),
                owned.clientId().toString(), "咨询升级：" + title, body, "issue_escalation",
                first[0] == null ? null : first[0].atOffset(ZoneOffset.UTC).toString(), transcript, provider.userId(), "provider", why));
        return new Escalated(made.ticketId(), made.created(), latest.id());
    }

    private record Owned(UUID clientId, List<UUID> chatCustomers) {
    }

    private Owned owned(KefuPrincipal provider, @Nullable String customerId) {
        if (!provider.hasRole("provider") || provider.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only service providers of a tenant use the provider chat");
        }
        if (customerId == null || customerId.isBlank()) {
            throw invalid("customerId", "is required");
        }
        UUID client;
        try {
            client = UUID.fromString(customerId.strip());
        } catch (IllegalArgumentException e) {
            throw invalid("customerId", "not a customer id");
        }
        List<UUID> chat = customers.chatCustomersOf(provider.tenantId(), provider.userId(), client);
        if (chat.isEmpty()) {
            throw new KefuProblemException(ProblemType.NOT_FOUND, "No customer " + client + " of yours with a chat");
        }
        return new Owned(client, chat);
    }

    private static String text(String field, @Nullable String value, int max) {
        if (value == null || value.isBlank()) {
            throw invalid(field, "is required");
        }
        if (value.length() > max) {
            throw invalid(field, "at most " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                throw invalid(field, "control characters are not allowed");
            }
        }
        return value;
    }

    private static String abbreviate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }

    static KefuProblemException invalid(String field, String reason) {
        return new KefuProblemException(ProblemType.VALIDATION, field + ": " + reason,
                java.util.Map.of("errors", List.of(java.util.Map.of("field", field, "message", reason))));
    }
}
