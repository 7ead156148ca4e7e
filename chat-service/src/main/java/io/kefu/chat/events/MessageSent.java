package io.kefu.chat.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Staff, the AI or the system wrote to a customer. chat-service's own delivery consumer sends it out
 * through the customer's WeChat channel (OA or WeCom); realtime channels got it already over STOMP.
 */
@EventType(value = "chat.message.sent.v1", priority = 5)
public record MessageSent(
        UUID messageId,
        UUID conversationId,
        UUID customerId,
        @Nullable UUID senderId,
        String senderType,
        String channel,
        @Nullable UUID channelAccountId,
        @Nullable String channelUserId,
        String type,
        String content,
        @Nullable JsonNode extra,
        Instant createdAt) {
}
