package io.kefu.chat.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A customer's message was stored (any channel). Routing decides where it goes; stats count it.
 *
 * @param content          the text (or a short description of media); at most 4,000 characters
 * @param newConversation  true when this message opened the conversation
 * @param channelUserId    WeCom userid of an employee writing through the WeCom app (staff commands), else the channel id
 */
@EventType(value = "chat.message.received.v1", priority = 5)
public record MessageReceived(
        UUID messageId,
        UUID conversationId,
        UUID customerId,
        @Nullable UUID agentId,
        String channel,
        @Nullable String channelUserId,
        String type,
        String content,
        String conversationStatus,
        boolean newConversation,
        Instant createdAt) {
}
