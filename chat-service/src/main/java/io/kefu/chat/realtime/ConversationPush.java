package io.kefu.chat.realtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.kefu.chat.conversation.ConversationEvents.ConversationChanged;
import io.kefu.chat.conversation.ConversationEvents.MessageAdded;
import io.kefu.chat.conversation.ConversationEvents.MessageStatusChanged;
import io.kefu.chat.conversation.ConversationView;
import io.kefu.chat.conversation.MessageView;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Pushes what the conversation package stored, after its commit, to the people concerned: new
 * messages to the other side (the customer; the agent once assigned), receipts to the sender's side,
 * conversation changes to both.
 */
@Component
class ConversationPush {

    record Receipt(UUID messageId, UUID conversationId, String status, @Nullable Instant sentAt, @Nullable Instant deliveredAt,
            @Nullable Instant readAt) {
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConversationPush.class);

    /** The pushes a transaction's commit set off on this thread while {@link #afterRelease} runs, in order. */
    private static final ThreadLocal<List<Runnable>> DEFERRED = new ThreadLocal<>();

    private final RealtimeRelay relay;

    ConversationPush(RealtimeRelay relay) {
        this.relay = relay;
    }

    /**
     * Runs {@code work} (which runs transactions of its own) and only then, on this thread and in order, the
     * pushes their commits set off. Spring runs {@code AFTER_COMMIT} listeners before it hands the
     * transaction's connection back to the pool, so a push made there holds a pooled connection for as
     * long as it takes to reach the broker (and every session of the users concerned); a client's frame
     * ({@link ChatFrames}) holds one only for its transaction. The pushes still go out before the frame's
     * answer (its ack), as they did.
     */
    <T> T afterRelease(java.util.function.Supplier<T> work) {
        if (DEFERRED.get() != null) {
            return work.get(); // an outer call runs them
        }
        List<Runnable> pushes = new ArrayList<>();
        DEFERRED.set(pushes);
        try {
            return work.get();
        } finally {
            DEFERRED.remove();
            for (Runnable push : pushes) {
                try {
                    push.run();
                } catch (RuntimeException e) {
                    // Live frames are at most once (RealtimeRelay); the others still go out.
                    log.warn("A push after commit failed: {}", e.toString());
                }
            }
        }
    }

    private void push(java.util.Collection<String> to, String destination, Object payload) {
        List<Runnable> deferred = DEFERRED.get();
        if (deferred != null) {
            deferred.add(() -> relay.toUsers(to, destination, payload));
        } else {
            relay.toUsers(to, destination, payload);
        }
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(MessageAdded added) {
        MessageView message = added.message();
        ConversationView conversation = added.conversation();
        Set<String> to = new LinkedHashSet<>();
        if ("customer".equals(message.senderType())) {
            if (conversation.agentId() != null) {
                to.add(conversation.agentId().toString());
            }
        } else {
            to.add(conversation.customerId().toString());
            if (conversation.agentId() != null && !conversation.agentId().equals(message.senderId())) {
                to.add(conversation.agentId().toString()); // a supervisor or the AI wrote in the agent's conversation
            }
        }
        push(to, "/queue/messages", message);
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(MessageStatusChanged changed) {
        ConversationView conversation = changed.conversation();
        List<Receipt> toCustomer = new ArrayList<>();
        List<Receipt> toStaff = new ArrayList<>();
        for (MessageView m : changed.messages()) {
            Receipt receipt = new Receipt(m.id(), m.conversationId(), m.status(), m.sentAt(), m.deliveredAt(), m.readAt());
            (("customer".equals(m.senderType())) ? toCustomer : toStaff).add(receipt);
        }
        if (!toCustomer.isEmpty()) {
            push(List.of(conversation.customerId().toString()), "/queue/receipts", toCustomer);
        }
        if (!toStaff.isEmpty()) {
            Set<String> staff = new LinkedHashSet<>();
            changed.messages().stream().filter(m -> m.senderId() != null && !"customer".equals(m.senderType()))
                    .forEach(m -> staff.add(m.senderId().toString()));
            if (conversation.agentId() != null) {
                staff.add(conversation.agentId().toString());
            }
            push(staff, "/queue/receipts", toStaff);
        }
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(ConversationChanged changed) {
        ConversationView conversation = changed.conversation();
        Set<String> to = new LinkedHashSet<>();
        to.add(conversation.customerId().toString());
        if (conversation.agentId() != null) {
            to.add(conversation.agentId().toString());
        }
        push(to, "/queue/conversations", conversation);
    }
}
