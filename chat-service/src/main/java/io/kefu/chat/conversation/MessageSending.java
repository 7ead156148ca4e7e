package io.kefu.chat.conversation;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import io.kefu.chat.conversation.ConversationEvents.MessageAdded;
import io.kefu.chat.conversation.ConversationOpening.Opened;
import io.kefu.chat.events.MessageReceived;
import io.kefu.chat.events.MessageSent;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventJson;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.security.KefuPrincipal;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Every message in or out, whatever the channel: a customer's through a WeChat callback
 * ({@link #acceptInbound}), a signed-in customer's or staff member's ({@link #send}), the AI's or the
 * system's ({@link #post}). Each is one transaction that stores the message, writes its durable event
 * (outbox: {@code chat.message.received.v1} in, {@code chat.message.sent.v1} out, which the delivery
 * consumer takes to WeChat) and an in-process notice for the realtime package.
 */
@Service
public class MessageSending {

    private final ConversationRepository conversations;
    private final ConversationOpening opening;
    private final ConversationQueries queries;
    private final SendRateLimiter rateLimiter;
    private final EventPublisher events;
    private final ApplicationEventPublisher notices;
    private final ConflictRetry retry;
    private final MessageRows rows;
    private final Clock clock;

    MessageSending(ConversationRepository conversations, ConversationOpening opening,
            ConversationQueries queries, SendRateLimiter rateLimiter, EventPublisher events, ApplicationEventPublisher notices,
            ConflictRetry retry, MessageRows rows, Clock clock) {
        this.conversations = conversations;
        this.opening = opening;
        this.queries = queries;
        this.rateLimiter = rateLimiter;
        this.events = events;
        this.notices = notices;
        this.retry = retry;
        this.rows = rows;
        this.clock = clock;
    }

    /**
     * Stores a customer's message that came through a WeChat callback. Idempotent on the channel's
     * message id: WeChat's retries return the message stored the first time (the insert finds it, and
     * the attempt, with any conversation it opened, rolls back).
     */
    public MessageView acceptInbound(InboundMessage in) {
        return once(() -> {
            Instant now = clock.instant();
            Opened opened = opening.openOrJoin(in.tenantId(), in.customerId(), in.source(), in.channel(), now);
            Conversation conversation = opened.conversation();
            if (conversation.reachedThrough(in.channel(), in.channelAccountId(), in.channelUserId(), now)) {
                conversations.saveAndFlush(conversation);
            }
            ChatMessage message = new ChatMessage(UUID.randomUUID(), conversation, in.customerId(), SenderType.CUSTOMER, in.type(),
                    in.content(), json(in.extra()), in.channel(), true, null, in.channelMsgId(), now);
            return storeCustomerMessage(conversation, message, opened.created(), in.channelUserId(), now, null);
        });
    }

    /**
     * A signed-in customer or staff member sends a message (HTTP or STOMP). A retry of a send already
     * stored (same sender and {@code clientMsgId}) returns the stored message, takes no permit of the
     * rate limit and changes nothing: the insert finds the twin ({@link MessageRows}) and the attempt
     * rolls back. The permit is taken after the insert, inside the transaction, so that only a message
     * that is new counts; a refused one rolls back too.
     */
    public MessageView send(KefuPrincipal sender, SendCommand command) {
        MessageType type = MessageType.find(command.type() == null ? "text" : command.type())
                .filter(t -> t != MessageType.SYSTEM)
                .orElseThrow(() -> invalid("type must be text, image, voice or file"));
        if (ConversationAccess.isCustomer(sender)) {
            return once(() -> sendAsCustomer(sender, command, type));
        }
        if (ConversationAccess.isStaff(sender) && sender.tenantId() != null) {
            return once(() -> sendAsStaff(sender, command, type));
        }
        throw new KefuProblemException(ProblemType.FORBIDDEN, "Only customers and staff of a tenant send messages");
    }

    /** A message of the AI or the system (queue position, timeout warning) to the customer. */
    public MessageView post(UUID conversationId, SenderType senderType, MessageType type, String content, @Nullable JsonNode extra) {
        if (senderType != SenderType.AI && senderType != SenderType.SYSTEM) {
            throw invalid("senderType must be ai or system");
        }
        return retry.run(() -> {
            Conversation conversation = conversations.findById(conversationId).orElseThrow(() -> ConversationAccess.notFound(conversationId));
            if (!conversation.isOpen()) {
                throw ConversationAccess.ended(conversationId);
            }
            return storeOutbound(conversation, null, senderType, type, content, extra, null, null);
        });
    }

    /**
     * A service provider answers a consultation of their own customer (package {@code provider} checked
     * the ownership): a staff message from {@code senderId}, delivered like an agent's, limited and
     * idempotent on {@code clientMsgId} like any send.
     */
    public MessageView postAsProvider(UUID conversationId, UUID senderId, String content, @Nullable JsonNode extra,
            @Nullable String clientMsgId) {
        return once(() -> {
            Conversation conversation = conversations.findById(conversationId).orElseThrow(() -> ConversationAccess.notFound(conversationId));
            if (!conversation.isOpen()) {
                throw ConversationAccess.ended(conversationId);
            }
            return storeOutbound(conversation, senderId, SenderType.STAFF, MessageType.TEXT, content, extra, clientMsgId, senderId);
        });
    }

    /**
     * {@link ConflictRetry#run} that answers with the stored message when the insert found it. In a
     * caller's transaction (which {@code run} joins) that transaction goes on: the paths that can run in
     * one ({@link #postAsProvider}) only read before the insert.
     */
    private MessageView once(java.util.function.Supplier<MessageView> change) {
        try {
            return retry.run(change);
        } catch (AlreadyStored e) {
            return e.stored;
        }
    }

    /** The message is stored already: thrown to roll the attempt back (a conversation it opened, a channel it moved). */
    private static final class AlreadyStored extends RuntimeException {

        private final transient MessageView stored;

        AlreadyStored(MessageView stored) {
            super(null, null, false, false);
            this.stored = stored;
        }
    }

    /**
     * Inserts {@code message} and moves the conversation's last-message times, unless it is stored already
     * ({@link AlreadyStored}), then takes the sender's permit.
     */
    private void insert(ChatMessage message, boolean fromCustomer, @Nullable UUID limitedSender) {
        if (!rows.insertIfNew(message, fromCustomer)) {
            throw new AlreadyStored(rows.stored(message));
        }
        if (limitedSender != null) {
            rateLimiter.acquire(limitedSender);
        }
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
            Conversation conversation = queries.visible(customer, command.conversationId());
            if (!conversation.isOpen()) {
                throw ConversationAccess.ended(conversation.id());
            }
            opened = new Opened(conversation, false);
        } else {
            opened = opening.openOrJoin(customer.tenantId(), customer.userId(), source, channel, now);
        }
        Conversation conversation = opened.conversation();
        if (conversation.reachedThrough(channel, null, null, now)) {
            conversations.saveAndFlush(conversation);
        }
        ChatMessage message = new ChatMessage(UUID.randomUUID(), conversation, customer.userId(), SenderType.CUSTOMER, type,
                command.content(), json(command.extra()), channel, true, command.clientMsgId(), null, now);
        return storeCustomerMessage(conversation, message, opened.created(), null, now, customer.userId());
    }

    private MessageView storeCustomerMessage(Conversation conversation, ChatMessage message, boolean newConversation,
            @Nullable String channelUserId, Instant now, @Nullable UUID limitedSender) {
        insert(message, true, limitedSender);
        MessageView view = message.view();
        events.publish(new MessageReceived(message.id(), conversation.id(), conversation.customerId(), conversation.agentId(),
                message.channel(), channelUserId, message.type(), message.content(), conversation.status().code(), newConversation, now),
                conversation.tenantId().toString(), conversation.id().toString());
        notices.publishEvent(new MessageAdded(view, conversation.view()));
        return view;
    }

    private MessageView sendAsStaff(KefuPrincipal staff, SendCommand command, MessageType type) {
        if (command.conversationId() == null) {
            throw invalid("conversationId is required");
        }
        Conversation conversation = queries.writable(staff, command.conversationId());
        return storeOutbound(conversation, staff.userId(), SenderType.STAFF, type, command.content(), command.extra(),
                command.clientMsgId(), staff.userId());
    }

    private MessageView storeOutbound(Conversation conversation, @Nullable UUID senderId, SenderType senderType, MessageType type,
            String content, @Nullable JsonNode extra, @Nullable String clientMsgId, @Nullable UUID limitedSender) {
        Instant now = clock.instant();
        Channel channel = Channel.find(conversation.channel()).orElseThrow();
        // Realtime channels are ours to push (delivered/read come from the client's receipts); WeChat's must accept first.
        ChatMessage message = new ChatMessage(UUID.randomUUID(), conversation, senderId, senderType, type, content, json(extra), channel,
                channel.realtime(), clientMsgId, null, now);
        insert(message, false, limitedSender);
        MessageView view = message.view();
        events.publish(new MessageSent(message.id(), conversation.id(), conversation.customerId(), senderId, message.senderType(),
                channel.code(), conversation.channelAccountId(), conversation.channelUserId(), message.type(), content, extra, now),
                conversation.tenantId().toString(), conversation.id().toString());
        notices.publishEvent(new MessageAdded(view, conversation.view()));
        return view;
    }

    private static @Nullable String json(@Nullable JsonNode node) {
        return node == null || node.isNull() ? null : EventJson.mapper().writeValueAsString(node);
    }

    static KefuProblemException invalid(String detail) {
        return new KefuProblemException(ProblemType.VALIDATION, detail);
    }
}
