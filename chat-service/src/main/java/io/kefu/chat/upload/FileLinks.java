package io.kefu.chat.upload;

import java.util.UUID;

import io.kefu.chat.conversation.ConversationEvents.MessageAdded;
import io.kefu.chat.conversation.MessageView;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import tools.jackson.databind.JsonNode;

/**
 * A customer often uploads before a conversation exists (the first message opens it), then sends
 * {@code extra: {fileId}}. That message ties the file to its conversation, so the agent on the other
 * side may read it. Before commit: the link is part of the message's transaction, visible as soon as
 * the message is.
 */
@Component
class FileLinks {

    private final UploadService uploads;

    FileLinks(UploadService uploads) {
        this.uploads = uploads;
    }

    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT, fallbackExecution = true)
    void on(MessageAdded added) {
        MessageView message = added.message();
        UUID fileId = fileId(message.extra());
        if (fileId == null) {
            return;
        }
        if (message.senderId() != null) {
            uploads.link(fileId, message.senderId(), added.conversation().tenantId(), message.conversationId());
        }
        // Kept by the orphan sweep from now on; not when the id is someone else's file from elsewhere.
        uploads.referenced(fileId, message.senderId(), added.conversation().tenantId(), message.conversationId());
    }

    private static @Nullable UUID fileId(@Nullable JsonNode extra) {
        if (extra == null || !extra.path("fileId").isString()) {
            return null;
        }
        try {
            return UUID.fromString(extra.path("fileId").asString());
        } catch (IllegalArgumentException e) {
            return null; // not ours to validate: a message may carry any extra
        }
    }
}
