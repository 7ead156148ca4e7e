package io.kefu.chat.conversation;

import java.util.List;

/**
 * In-process notices, published inside the transaction and heard after commit by the realtime
 * package (which pushes them to connected clients on every instance). Durable, cross-service facts
 * go through the outbox instead (package {@code events}).
 */
public final class ConversationEvents {

    private ConversationEvents() {
    }

    /** A message was stored; {@code conversation} says who takes part. */
    public record MessageAdded(MessageView message, ConversationView conversation) {
    }

    /** Messages changed status (delivered, read, failed); their senders want receipts. */
    public record MessageStatusChanged(List<MessageView> messages, ConversationView conversation) {
    }

    /** A conversation changed (opened, assigned, ended, rated). */
    public record ConversationChanged(ConversationView conversation) {
    }
}
