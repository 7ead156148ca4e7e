package io.kefu.chat.conversation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;

/** Reading conversations and their history, as the reader may see them ({@link ConversationAccess}). */
@Service
public class ConversationQueries {

    private final ConversationRepository conversations;
    private final MessageRepository messages;
    private final LiveProperties<ConversationProperties> properties;

    ConversationQueries(ConversationRepository conversations, MessageRepository messages, LiveProperties<ConversationProperties> properties) {
        this.conversations = conversations;
        this.messages = messages;
        this.properties = properties;
    }

    public record HistoryPage(List<MessageView> messages, @Nullable Long nextCursor) {
    }

    /** Newest first by page, oldest first within a page; {@code before} is the cursor of the previous page. */
    public HistoryPage history(KefuPrincipal reader, UUID conversationId, @Nullable Long before, int limit) {
        int max = properties.get().historyMaxPage();
        if (limit < 1 || limit > max) {
            throw MessageSending.invalid("limit must be between 1 and " + max);
        }
        visible(reader, conversationId);
        List<ChatMessage> page = messages.findPage(conversationId, before == null ? Long.MAX_VALUE : before, Limit.of(limit));
        List<MessageView> ascending = new ArrayList<>(page.stream().map(ChatMessage::view).toList()).reversed();
        Long next = page.size() == limit ? page.getLast().view().seq() : null;
        return new HistoryPage(ascending, next);
    }

    public record ConversationSummary(ConversationView conversation, long unread) {
    }

    /** The caller's conversations: a customer's own; an agent's assigned ones; a supervisor's whole tenant. */
    public List<ConversationSummary> list(KefuPrincipal reader, @Nullable String status, int limit) {
        ConversationStatus wanted = status == null ? null : ConversationStatus.find(status)
                .orElseThrow(() -> MessageSending.invalid("status must be waiting, active, closed or timeout"));
        Limit page = Limit.of(Math.max(1, Math.min(limit, 200)));
        List<Conversation> found;
        List<String> unreadFrom;
        if (ConversationAccess.isCustomer(reader)) {
            found = conversations.findByCustomer(reader.userId(), page).stream()
                    .filter(c -> wanted == null || c.status() == wanted).toList();
            unreadFrom = List.of("staff", "ai", "system");
        } else if (ConversationAccess.isStaff(reader) && reader.tenantId() != null) {
            found = reader.hasRole("supervisor") ? conversations.findByTenant(reader.tenantId(), wanted, page)
                    : conversations.findByAgent(reader.userId(), wanted, page);
            unreadFrom = List.of("customer");
        } else {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only customers and staff have conversations");
        }
        return found.stream().map(c -> new ConversationSummary(c.view(), messages.countUnread(c.id(), unreadFrom))).toList();
    }

    public ConversationView get(KefuPrincipal reader, UUID conversationId) {
        return visible(reader, conversationId).view();
    }

    /** The conversation if {@code reader} may see it, else 404 (uploads, typing, STOMP subscriptions use this). */
    public ConversationView requireVisible(KefuPrincipal reader, UUID conversationId) {
        return get(reader, conversationId);
    }

    /** For other services' events about a conversation (no reader to check: the event's producer is trusted). */
    public Optional<ConversationView> find(UUID conversationId) {
        return conversations.findById(conversationId).map(Conversation::view);
    }

    Conversation visible(KefuPrincipal reader, UUID conversationId) {
        return conversations.findById(conversationId).filter(c -> ConversationAccess.canSee(reader, c))
                .orElseThrow(() -> ConversationAccess.notFound(conversationId));
    }

    /** An open conversation {@code writer} may write in; 404 if they may not see it, 409 if it has ended. */
    Conversation writable(KefuPrincipal writer, UUID conversationId) {
        Conversation conversation = conversations.findById(conversationId).filter(c -> ConversationAccess.canWrite(writer, c))
                .orElseThrow(() -> ConversationAccess.notFound(conversationId));
        if (!conversation.isOpen()) {
            throw ConversationAccess.ended(conversationId);
        }
        return conversation;
    }
}
