package io.kefu.chat.conversation;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import io.kefu.chat.events.ConversationEnded;
import io.kefu.chat.events.ConversationOpened;
import io.kefu.chat.events.ConversationRated;
import io.kefu.chat.events.MessageFailed;
import io.kefu.chat.events.MessageReceived;
import io.kefu.chat.events.MessageSent;
import io.kefu.chat.conversation.ConversationEvents.ConversationChanged;
import io.kefu.chat.conversation.ConversationEvents.MessageAdded;
import io.kefu.chat.conversation.ConversationEvents.MessageStatusChanged;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventJson;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.security.KefuPrincipal;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.Limit;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Conversations and their messages: every message in or out, whatever the channel, passes here.
 * Each change is one transaction that also writes its durable event (outbox) and an in-process notice
 * for the realtime package. Concurrent writers (two callbacks of one customer, WeChat's retries) meet
 * on unique indexes; the loser's transaction is retried and then finds the winner's row.
 */
@Service
public class ConversationService {

    /** Priority of a customer's message event: above statistics, below VIP/complaint routing bumps. */
    static final int CUSTOMER_MESSAGE_PRIORITY = 5;
    static final ProblemType ALREADY_RATED = new ProblemType("already-rated", HttpStatus.CONFLICT, "Already rated");
    static final ProblemType NOT_ENDED = new ProblemType("conversation-open", HttpStatus.CONFLICT, "Conversation is still open");
    private static final Set<String> STAFF_END_REASONS = Set.of("service_ended", "resolved", "transferred");
    private static final Set<String> SYSTEM_END_REASONS = Set.of("timeout", "inactive", "resolved", "service_ended");
    private static final int ATTEMPTS = 4;

    private final ConversationRepository conversations;
    private final MessageRepository messages;
    private final EventPublisher events;
    private final ApplicationEventPublisher notices;
    private final SendRateLimiter rateLimiter;
    private final LiveProperties<ConversationProperties> properties;
    private final TransactionTemplate tx;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    ConversationService(ConversationRepository conversations, MessageRepository messages, EventPublisher events,
            ApplicationEventPublisher notices, SendRateLimiter rateLimiter, LiveProperties<ConversationProperties> properties,
            TransactionTemplate tx, JdbcTemplate jdbc, Clock clock) {
        this.conversations = conversations;
        this.messages = messages;
        this.events = events;
        this.notices = notices;
        this.rateLimiter = rateLimiter;
        this.properties = properties;
        this.tx = tx;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    // ---- messages in ----

    /**
     * Stores a customer's message that came through a WeChat callback. Idempotent on the channel's
     * message id: WeChat's retries return the message stored the first time.
     */
    public MessageView acceptInbound(InboundMessage in) {
        return retrying(() -> {
            var existing = messages.findByTenantIdAndChannelAndChannelMsgId(in.tenantId(), in.channel().code(), in.channelMsgId());
            if (existing.isPresent()) {
                return view(existing.get());
            }
            Instant now = clock.instant();
            Opened opened = openOrJoin(in.tenantId(), in.customerId(), in.source(), in.channel(), now);
            Conversation conversation = opened.conversation();
            if (!in.channel().code().equals(conversation.channel) || !in.channelAccountId().equals(conversation.channelAccountId)
                    || !in.channelUserId().equals(conversation.channelUserId)) {
                conversation.channel = in.channel().code();
                conversation.channelAccountId = in.channelAccountId();
                conversation.channelUserId = in.channelUserId();
                conversation.updatedAt = now;
                conversations.saveAndFlush(conversation);
            }
            ChatMessage message = new ChatMessage(UUID.randomUUID(), conversation, in.customerId(), SenderType.CUSTOMER, in.type(),
                    in.content(), json(in.extra()), in.channel().code(), now);
            message.channelMsgId = in.channelMsgId();
            return storeCustomerMessage(conversation, message, opened.created(), in.channelUserId(), now);
        });
    }

    /** A signed-in customer or staff member sends a message (HTTP or STOMP). */
    public MessageView send(KefuPrincipal sender, SendCommand command) {
        MessageType type = MessageType.find(command.type() == null ? "text" : command.type())
                .filter(t -> t != MessageType.SYSTEM)
                .orElseThrow(() -> invalid("type must be text, image, voice or file"));
        if (command.clientMsgId() != null) {
            var existing = messages.findBySenderIdAndClientMsgId(sender.userId(), command.clientMsgId());
            if (existing.isPresent()) {
                return view(existing.get()); // a retry of a send we already stored
            }
        }
        rateLimiter.acquire(sender.userId());
        if (ConversationAccess.isCustomer(sender)) {
            return retrying(() -> sendAsCustomer(sender, command, type));
        }
        if (ConversationAccess.isStaff(sender) && sender.tenantId() != null) {
            return retrying(() -> sendAsStaff(sender, command, type));
        }
        throw new KefuProblemException(ProblemType.FORBIDDEN, "Only customers and staff of a tenant send messages");
    }

    private MessageView sendAsCustomer(KefuPrincipal customer, SendCommand command, MessageType type) {
        if (customer.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "A customer token without a tenant cannot chat");
        }
        Channel channel = Channel.find(command.channel() == null ? "miniapp" : command.channel()).filter(Channel::realtime)
                .orElseThrow(() -> invalid("channel must be miniapp or web"));
        Source source = Source.find(command.source() == null ? "quick_chat" : command.source())
                .orElseThrow(() -> invalid("source must be qr_code, quick_chat or transfer"));
        Instant now = clock.instant();
        Opened opened;
        if (command.conversationId() != null) {
            Conversation conversation = visible(customer, command.conversationId());
            if (!conversation.isOpen()) {
                throw ConversationAccess.ended(conversation.id);
            }
            opened = new Opened(conversation, false);
        } else {
            opened = openOrJoin(customer.tenantId(), customer.userId(), source, channel, now);
        }
        Conversation conversation = opened.conversation();
        if (!channel.code().equals(conversation.channel) || conversation.channelAccountId != null) {
            conversation.channel = channel.code();
            conversation.channelAccountId = null;
            conversation.channelUserId = null;
            conversation.updatedAt = now;
            conversations.saveAndFlush(conversation);
        }
        ChatMessage message = new ChatMessage(UUID.randomUUID(), conversation, customer.userId(), SenderType.CUSTOMER, type,
                command.content(), json(command.extra()), channel.code(), now);
        message.clientMsgId = command.clientMsgId();
        return storeCustomerMessage(conversation, message, opened.created(), null, now);
    }

    private MessageView storeCustomerMessage(Conversation conversation, ChatMessage message, boolean newConversation,
            @Nullable String channelUserId, Instant now) {
        message.status = "sent";
        message.sentAt = now;
        messages.saveAndFlush(message);
        touch(conversation, now, true);
        MessageView view = view(message);
        ConversationView conversationView = conversation.view();
        events.publish(new MessageReceived(message.id, conversation.id, conversation.customerId, conversation.agentId,
                message.channel, channelUserId, message.type, message.content, conversation.status, newConversation, now),
                conversation.tenantId.toString(), conversation.id.toString(), CUSTOMER_MESSAGE_PRIORITY);
        notices.publishEvent(new MessageAdded(view, conversationView));
        return view;
    }

    private MessageView sendAsStaff(KefuPrincipal staff, SendCommand command, MessageType type) {
        if (command.conversationId() == null) {
            throw invalid("conversationId is required");
        }
        Conversation conversation = writable(staff, command.conversationId());
        return storeOutbound(conversation, staff.userId(), SenderType.STAFF, type, command.content(), command.extra(),
                command.clientMsgId());
    }

    /** A message of the AI or the system (queue position, timeout warning) to the customer. */
    public MessageView post(UUID conversationId, SenderType senderType, MessageType type, String content, @Nullable JsonNode extra) {
        if (senderType != SenderType.AI && senderType != SenderType.SYSTEM) {
            throw invalid("senderType must be ai or system");
        }
        return retrying(() -> {
            Conversation conversation = conversations.findById(conversationId).orElseThrow(() -> ConversationAccess.notFound(conversationId));
            if (!conversation.isOpen()) {
                throw ConversationAccess.ended(conversationId);
            }
            return storeOutbound(conversation, null, senderType, type, content, extra, null);
        });
    }

    private MessageView storeOutbound(Conversation conversation, @Nullable UUID senderId, SenderType senderType, MessageType type,
            String content, @Nullable JsonNode extra, @Nullable String clientMsgId) {
        Instant now = clock.instant();
        Channel channel = Channel.find(conversation.channel).orElseThrow();
        ChatMessage message = new ChatMessage(UUID.randomUUID(), conversation, senderId, senderType, type, content, json(extra),
                channel.code(), now);
        message.clientMsgId = clientMsgId;
        if (channel.realtime()) {
            message.status = "sent"; // ours to push; delivered/read come from the client's receipts
            message.sentAt = now;
        } else {
            message.status = "sending"; // until WeChat's API accepts it
        }
        messages.saveAndFlush(message);
        touch(conversation, now, false);
        MessageView view = view(message);
        events.publish(new MessageSent(message.id, conversation.id, conversation.customerId, senderId, message.senderType,
                channel.code(), conversation.channelAccountId, conversation.channelUserId, message.type, content, extra, now),
                conversation.tenantId.toString(), conversation.id.toString(), CUSTOMER_MESSAGE_PRIORITY);
        notices.publishEvent(new MessageAdded(view, conversation.view()));
        return view;
    }

    // ---- delivery results and receipts ----

    /** The channel (WeChat API) accepted an outbound message. */
    public void markSent(UUID messageId) {
        tx.executeWithoutResult(status -> {
            ChatMessage message = messages.findById(messageId).orElseThrow(() -> new IllegalArgumentException("no message " + messageId));
            if ("sending".equals(message.status) || "failed".equals(message.status)) {
                message.status = "sent";
                message.sentAt = clock.instant();
                message.failureCode = null;
                message.failureReason = null;
                statusChanged(List.of(message));
            }
        });
    }

    /** The channel refused an outbound message: it is marked failed and push-service is told to fall back. */
    public void markFailed(UUID messageId, String errorCode, String reason) {
        tx.executeWithoutResult(status -> {
            ChatMessage message = messages.findById(messageId).orElseThrow(() -> new IllegalArgumentException("no message " + messageId));
            if (!"sending".equals(message.status)) {
                return; // already settled (a redelivered result)
            }
            message.status = "failed";
            message.failureCode = truncate(errorCode, 32);
            message.failureReason = reason;
            Conversation conversation = conversations.findById(message.conversationId).orElseThrow();
            events.publish(new MessageFailed(message.id, conversation.id, conversation.customerId, message.channel,
                    conversation.channelAccountId, conversation.channelUserId, message.type, message.content, message.failureCode,
                    reason, clock.instant()), conversation.tenantId.toString(), conversation.id.toString(), CUSTOMER_MESSAGE_PRIORITY);
            statusChanged(List.of(message));
        });
    }

    public enum Receipt { DELIVERED, READ }

    /**
     * Client acknowledgements: the recipient's client got ({@code DELIVERED}) or showed ({@code READ})
     * these messages. Only the receiving side may acknowledge; status never moves backwards.
     *
     * @return the messages whose status changed
     */
    public List<MessageView> acknowledge(KefuPrincipal reader, List<UUID> messageIds, Receipt receipt) {
        if (messageIds.isEmpty() || messageIds.size() > 500) {
            throw invalid("messageIds must hold 1 to 500 ids");
        }
        return tx.execute(status -> {
            List<ChatMessage> found = messages.findAllByIds(List.copyOf(new java.util.LinkedHashSet<>(messageIds)));
            if (found.size() != new java.util.HashSet<>(messageIds).size()) {
                throw new KefuProblemException(ProblemType.NOT_FOUND, "Some messageIds do not exist");
            }
            Map<UUID, Conversation> byId = new LinkedHashMap<>();
            for (ChatMessage m : found) {
                Conversation c = byId.computeIfAbsent(m.conversationId, id -> conversations.findById(id).orElseThrow());
                if (!ConversationAccess.canWrite(reader, c)) {
                    throw new KefuProblemException(ProblemType.NOT_FOUND, "Some messageIds do not exist");
                }
                boolean fromCustomer = SenderType.CUSTOMER.code().equals(m.senderType);
                if (fromCustomer == ConversationAccess.isCustomer(reader)) {
                    throw new KefuProblemException(ProblemType.FORBIDDEN, "Only the receiving side acknowledges a message");
                }
            }
            Instant now = clock.instant();
            List<ChatMessage> changed = new ArrayList<>();
            for (ChatMessage m : found) {
                if ("failed".equals(m.status) || "sending".equals(m.status) && receipt == Receipt.DELIVERED) {
                    continue;
                }
                boolean touched = false;
                if (m.deliveredAt == null) {
                    m.deliveredAt = now;
                    if (m.sentAt == null) {
                        m.sentAt = now;
                    }
                    m.status = "delivered";
                    touched = true;
                }
                if (receipt == Receipt.READ && m.readAt == null) {
                    m.readAt = now;
                    m.status = "read";
                    touched = true;
                }
                if (touched) {
                    changed.add(m);
                }
            }
            statusChanged(changed);
            return changed.stream().map(ConversationService::view).toList();
        });
    }

    private void statusChanged(List<ChatMessage> changed) {
        changed.stream().map(m -> m.conversationId).distinct().forEach(conversationId -> {
            Conversation conversation = conversations.findById(conversationId).orElseThrow();
            notices.publishEvent(new MessageStatusChanged(changed.stream().filter(m -> m.conversationId.equals(conversationId))
                    .map(ConversationService::view).toList(), conversation.view()));
        });
    }

    // ---- reading ----

    public record HistoryPage(List<MessageView> messages, @Nullable Long nextCursor) {
    }

    /** Newest first by page, oldest first within a page; {@code before} is the cursor of the previous page. */
    public HistoryPage history(KefuPrincipal reader, UUID conversationId, @Nullable Long before, int limit) {
        int max = properties.get().historyMaxPage();
        if (limit < 1 || limit > max) {
            throw invalid("limit must be between 1 and " + max);
        }
        visible(reader, conversationId);
        List<ChatMessage> page = messages.findPage(conversationId, before == null ? Long.MAX_VALUE : before, Limit.of(limit));
        List<MessageView> ascending = new ArrayList<>(page.stream().map(ConversationService::view).toList()).reversed();
        Long next = page.size() == limit ? page.getLast().seq : null;
        return new HistoryPage(ascending, next);
    }

    public record ConversationSummary(ConversationView conversation, long unread) {
    }

    /** The caller's conversations: a customer's own; an agent's assigned ones; a supervisor's whole tenant. */
    public List<ConversationSummary> list(KefuPrincipal reader, @Nullable String status, int limit) {
        if (status != null && java.util.Arrays.stream(ConversationStatus.values()).noneMatch(s -> s.code().equals(status))) {
            throw invalid("status must be waiting, active, closed or timeout");
        }
        Limit page = Limit.of(Math.max(1, Math.min(limit, 200)));
        List<Conversation> found;
        List<String> unreadFrom;
        if (ConversationAccess.isCustomer(reader)) {
            found = conversations.findByCustomer(reader.userId(), page).stream()
                    .filter(c -> status == null || c.status.equals(status)).toList();
            unreadFrom = List.of("staff", "ai", "system");
        } else if (ConversationAccess.isStaff(reader) && reader.tenantId() != null) {
            found = reader.hasRole("supervisor") ? conversations.findByTenant(reader.tenantId(), status, page)
                    : conversations.findByAgent(reader.userId(), status, page);
            unreadFrom = List.of("customer");
        } else {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only customers and staff have conversations");
        }
        return found.stream().map(c -> new ConversationSummary(c.view(), messages.countUnread(c.id, unreadFrom))).toList();
    }

    public ConversationView get(KefuPrincipal reader, UUID conversationId) {
        return visible(reader, conversationId).view();
    }

    /** The conversation if {@code reader} may see it, else 404 (uploads, typing, STOMP subscriptions use this). */
    public ConversationView requireVisible(KefuPrincipal reader, UUID conversationId) {
        return get(reader, conversationId);
    }

    // ---- routing's decisions ----

    /**
     * routing-service assigned the conversation to an agent (or moved it back to a queue when
     * {@code agentId} is null): it becomes active with that agent, or waiting again. Repeats of the same
     * decision change nothing; an ended conversation stays ended.
     *
     * @return the conversation after the change, or empty when it has ended meanwhile
     */
    /** For other services' events about a conversation (no reader to check: the event's producer is trusted). */
    public java.util.Optional<ConversationView> find(UUID conversationId) {
        return conversations.findById(conversationId).map(Conversation::view);
    }

    public java.util.Optional<ConversationView> assign(UUID conversationId, @Nullable UUID agentId) {
        return retrying(() -> {
            Conversation conversation = conversations.findById(conversationId).orElse(null);
            if (conversation == null || !conversation.isOpen()) {
                return java.util.Optional.<ConversationView>empty();
            }
            String status = agentId == null ? ConversationStatus.WAITING.code() : ConversationStatus.ACTIVE.code();
            if (java.util.Objects.equals(conversation.agentId, agentId) && conversation.status.equals(status)) {
                return java.util.Optional.of(conversation.view());
            }
            conversation.agentId = agentId;
            conversation.status = status;
            conversation.updatedAt = clock.instant();
            conversations.saveAndFlush(conversation);
            ConversationView view = conversation.view();
            notices.publishEvent(new ConversationChanged(view));
            return java.util.Optional.of(view);
        });
    }

    // ---- ending and rating ----

    public record EndCommand(@Nullable String reason, @Nullable String comment) {
    }

    public ConversationView end(KefuPrincipal by, UUID conversationId, EndCommand command) {
        return retrying(() -> {
            Conversation conversation = writable(by, conversationId);
            String reason;
            String type;
            if (ConversationAccess.isCustomer(by)) {
                reason = "user_ended";
                type = "customer";
            } else {
                reason = command.reason() == null ? "service_ended" : command.reason();
                if (!STAFF_END_REASONS.contains(reason)) {
                    throw invalid("reason must be one of " + STAFF_END_REASONS);
                }
                type = "staff";
            }
            return close(conversation, "closed", reason, by.userId(), type, command.comment());
        });
    }

    /**
     * Ended on routing's request: by its timeouts (status timeout for reason timeout, closed otherwise),
     * or by an agent's WeCom staff command ({@code byStaff}, recorded as a staff end).
     */
    public ConversationView endBySystem(UUID conversationId, String reason, @Nullable String comment, @Nullable UUID byStaff) {
        if (!SYSTEM_END_REASONS.contains(reason)) {
            throw invalid("reason must be one of " + SYSTEM_END_REASONS);
        }
        return retrying(() -> {
            Conversation conversation = conversations.findById(conversationId).orElseThrow(() -> ConversationAccess.notFound(conversationId));
            if (!conversation.isOpen()) {
                return conversation.view(); // already ended: the job may run twice
            }
            return close(conversation, "timeout".equals(reason) ? "timeout" : "closed", reason, byStaff, byStaff == null ? "system" : "staff",
                    comment);
        });
    }

    private ConversationView close(Conversation conversation, String status, String reason, @Nullable UUID by, String type,
            @Nullable String comment) {
        if (comment != null && comment.length() > 1000) {
            throw invalid("comment is at most 1000 characters");
        }
        Instant now = clock.instant();
        conversation.status = status;
        conversation.endedAt = now;
        conversation.endedReason = reason;
        conversation.endedBy = by;
        conversation.endedType = type;
        conversation.endedComment = comment;
        conversation.updatedAt = now;
        conversations.saveAndFlush(conversation);
        events.publish(new ConversationEnded(conversation.id, conversation.customerId, conversation.agentId, status, reason, by, type,
                conversation.startedAt, now), conversation.tenantId.toString(), conversation.id.toString(), 3);
        ConversationView view = conversation.view();
        notices.publishEvent(new ConversationChanged(view));
        return view;
    }

    public record RateCommand(int rating, @Nullable String feedback) {
    }

    public ConversationView rate(KefuPrincipal customer, UUID conversationId, RateCommand command) {
        if (!ConversationAccess.isCustomer(customer)) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only the customer rates a conversation");
        }
        if (command.rating() < 1 || command.rating() > 5) {
            throw invalid("rating must be between 1 and 5");
        }
        if (command.feedback() != null && command.feedback().length() > 2000) {
            throw invalid("feedback is at most 2000 characters");
        }
        return retrying(() -> {
            Conversation conversation = conversations.findById(conversationId).filter(c -> ConversationAccess.canWrite(customer, c))
                    .orElseThrow(() -> ConversationAccess.notFound(conversationId));
            if (conversation.isOpen()) {
                throw new KefuProblemException(NOT_ENDED, "End the conversation before rating it");
            }
            if (conversation.rating != null) {
                throw new KefuProblemException(ALREADY_RATED, "Conversation " + conversationId + " was rated already");
            }
            Instant now = clock.instant();
            conversation.rating = (short) command.rating();
            conversation.feedback = command.feedback();
            conversation.ratedAt = now;
            conversation.updatedAt = now;
            conversations.saveAndFlush(conversation);
            events.publish(new ConversationRated(conversation.id, conversation.customerId, conversation.agentId, command.rating(), now),
                    conversation.tenantId.toString(), conversation.id.toString(), 2);
            ConversationView view = conversation.view();
            notices.publishEvent(new ConversationChanged(view));
            return view;
        });
    }

    // ---- helpers ----

    private record Opened(Conversation conversation, boolean created) {
    }

    private Opened openOrJoin(UUID tenantId, UUID customerId, Source source, Channel channel, Instant now) {
        var open = conversations.findOpen(tenantId, customerId);
        if (open.isPresent()) {
            return new Opened(open.get(), false);
        }
        Conversation conversation = new Conversation(UUID.randomUUID(), tenantId, customerId, source.code(), now);
        conversation.channel = channel.code();
        conversations.saveAndFlush(conversation); // a concurrent open loses on the unique index and retries
        events.publish(new ConversationOpened(conversation.id, customerId, channel.code(), source.code(), now), tenantId.toString(),
                conversation.id.toString(), CUSTOMER_MESSAGE_PRIORITY);
        notices.publishEvent(new ConversationChanged(conversation.view()));
        return new Opened(conversation, true);
    }

    /** Last-message times move without bumping the version: concurrent messages must not conflict. */
    private void touch(Conversation conversation, Instant now, boolean fromCustomer) {
        jdbc.update(fromCustomer
                ? "update conversation set last_message_at = greatest(last_message_at, ?), last_customer_message_at = greatest(coalesce(last_customer_message_at, ?), ?) where id = ?"
                : "update conversation set last_message_at = greatest(last_message_at, ?) where id = ?",
                fromCustomer ? new Object[] {ts(now), ts(now), ts(now), conversation.id} : new Object[] {ts(now), conversation.id});
    }

    private static java.sql.Timestamp ts(Instant instant) {
        return java.sql.Timestamp.from(instant);
    }

    private Conversation visible(KefuPrincipal reader, UUID conversationId) {
        return conversations.findById(conversationId).filter(c -> ConversationAccess.canSee(reader, c))
                .orElseThrow(() -> ConversationAccess.notFound(conversationId));
    }

    private Conversation writable(KefuPrincipal writer, UUID conversationId) {
        Conversation conversation = conversations.findById(conversationId).filter(c -> ConversationAccess.canWrite(writer, c))
                .orElseThrow(() -> ConversationAccess.notFound(conversationId));
        if (!conversation.isOpen()) {
            throw ConversationAccess.ended(conversationId);
        }
        return conversation;
    }

    private <T> T retrying(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> work.get());
            } catch (DataIntegrityViolationException | OptimisticLockingFailureException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    static MessageView view(ChatMessage m) {
        return new MessageView(m.id, m.conversationId, m.seq == null ? 0 : m.seq, m.senderId, m.senderType, m.type, m.content,
                m.extra == null ? null : EventJson.mapper().readTree(m.extra), m.channel, m.status, m.failureReason, m.clientMsgId,
                m.createdAt, m.sentAt, m.deliveredAt, m.readAt);
    }

    private static @Nullable String json(@Nullable JsonNode node) {
        return node == null || node.isNull() ? null : EventJson.mapper().writeValueAsString(node);
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }

    private static KefuProblemException invalid(String detail) {
        return new KefuProblemException(ProblemType.VALIDATION, detail);
    }
}
