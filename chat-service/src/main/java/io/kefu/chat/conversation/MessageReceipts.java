package io.kefu.chat.conversation;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.chat.conversation.ConversationEvents.MessageStatusChanged;
import io.kefu.chat.events.MessageFailed;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.security.KefuPrincipal;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where a message stands after it was stored: the channel's verdict on an outbound message (sent,
 * failed, or lost — from the delivery's outcome transaction) and the receiving client's receipts
 * (delivered, read). Status never moves backwards; senders hear of changes through the realtime package.
 */
@Service
public class MessageReceipts {

    /** The failure code of a message whose delivery outcome was lost (see {@link #markOutcomeLost}). */
    public static final String OUTCOME_LOST = "outcome-lost";

    private final ConversationRepository conversations;
    private final MessageRepository messages;
    private final EventPublisher events;
    private final ApplicationEventPublisher notices;
    private final TransactionTemplate tx;
    private final Clock clock;

    MessageReceipts(ConversationRepository conversations, MessageRepository messages, EventPublisher events,
            ApplicationEventPublisher notices, TransactionTemplate tx, Clock clock) {
        this.conversations = conversations;
        this.messages = messages;
        this.events = events;
        this.notices = notices;
        this.tx = tx;
        this.clock = clock;
    }

    /** The channel (WeChat API) accepted an outbound message. Joins the caller's transaction if there is one. */
    public void markSent(UUID messageId) {
        tx.executeWithoutResult(status -> {
            ChatMessage message = message(messageId);
            if (message.channelAccepted(clock.instant())) {
                statusChanged(List.of(message));
            }
        });
    }

    /** The channel refused an outbound message: it is marked failed and push-service is told to fall back. */
    public void markFailed(UUID messageId, String errorCode, String reason) {
        tx.executeWithoutResult(status -> {
            ChatMessage message = message(messageId);
            if (!message.channelRefused(errorCode, reason)) {
                return; // already settled (a redelivered result)
            }
            Conversation conversation = conversations.findById(message.conversationId()).orElseThrow();
            events.publish(new MessageFailed(message.id(), conversation.id(), conversation.customerId(), message.channel(),
                    conversation.channelAccountId(), conversation.channelUserId(), message.type(), message.content(),
                    message.failureCode(), reason, clock.instant()), conversation.tenantId().toString(), conversation.id().toString());
            statusChanged(List.of(message));
        });
    }

    /**
     * The delivery's outcome was lost (the instance died, or recording failed, after WeChat may have
     * accepted it): the message is marked failed with code {@value #OUTCOME_LOST} so that the agent sees
     * it may not have arrived, but no {@code chat.message.failed.v1} is published — a fallback on
     * another channel could deliver it twice. A late real outcome still wins ({@link #markSent}).
     */
    public void markOutcomeLost(UUID messageId, String reason) {
        tx.executeWithoutResult(status -> {
            ChatMessage message = message(messageId);
            if (message.channelRefused(OUTCOME_LOST, reason)) {
                statusChanged(List.of(message));
            }
        });
    }

    /**
     * Client acknowledgements: the recipient's client got ({@code DELIVERED}) or showed ({@code READ})
     * these messages. Only the receiving side may acknowledge; status never moves backwards.
     *
     * @return the messages whose status changed
     */
    public List<MessageView> acknowledge(KefuPrincipal reader, List<UUID> messageIds, Receipt receipt) {
        if (messageIds.isEmpty() || messageIds.size() > 500) {
            throw MessageSending.invalid("messageIds must hold 1 to 500 ids");
        }
        return tx.execute(status -> {
            List<ChatMessage> found = messages.findAllByIds(List.copyOf(new LinkedHashSet<>(messageIds)));
            if (found.size() != new HashSet<>(messageIds).size()) {
                throw new KefuProblemException(ProblemType.NOT_FOUND, "Some messageIds do not exist");
            }
            Map<UUID, Conversation> byId = new LinkedHashMap<>();
            for (ChatMessage m : found) {
                Conversation c = byId.computeIfAbsent(m.conversationId(), id -> conversations.findById(id).orElseThrow());
                if (!ConversationAccess.canWrite(reader, c)) {
                    throw new KefuProblemException(ProblemType.NOT_FOUND, "Some messageIds do not exist");
                }
                if (m.fromCustomer() == ConversationAccess.isCustomer(reader)) {
                    throw new KefuProblemException(ProblemType.FORBIDDEN, "Only the receiving side acknowledges a message");
                }
            }
            Instant now = clock.instant();
            List<ChatMessage> changed = new ArrayList<>();
            for (ChatMessage m : found) {
                if (m.acknowledge(receipt, now)) {
                    changed.add(m);
                }
            }
            statusChanged(changed);
            return changed.stream().map(ChatMessage::view).toList();
        });
    }

    private ChatMessage message(UUID messageId) {
        return messages.findById(messageId).orElseThrow(() -> new IllegalArgumentException("no message " + messageId));
    }

    private void statusChanged(List<ChatMessage> changed) {
        changed.stream().map(ChatMessage::conversationId).distinct().forEach(conversationId -> {
            Conversation conversation = conversations.findById(conversationId).orElseThrow();
            notices.publishEvent(new MessageStatusChanged(changed.stream().filter(m -> m.conversationId().equals(conversationId))
                    .map(ChatMessage::view).toList(), conversation.view()));
        });
    }
}
