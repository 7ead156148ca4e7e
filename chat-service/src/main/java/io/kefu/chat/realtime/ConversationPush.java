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

    private final RealtimeRelay relay;

    ConversationPush(RealtimeRelay relay) {
        this.relay = relay;
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
        relay.toUsers(to, "/queue/messages", message);
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
            relay.toUsers(List.of(conversation.customerId().toString()), "/queue/receipts", toCustomer);
        }
        if (!toStaff.isEmpty()) {
            Set<String> staff = new LinkedHashSet<>();
            changed.messages().stream().filter(m -> m.senderId() != null && !"customer".equals(m.senderType()))
                    .forEach(m -> staff.add(m.senderId().toString()));
            if (conversation.agentId() != null) {
                staff.add(conversation.agentId().toString());
            }
            relay.toUsers(staff, "/queue/receipts", toStaff);
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
        relay.toUsers(to, "/queue/conversations", conversation);
    }
}
