package io.kefu.chat.conversation;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** A stored message as clients receive it (HTTP history, STOMP new-message frames). */
public record MessageView(
        UUID id,
        UUID conversationId,
        long seq,
        @Nullable UUID senderId,
        String senderType,
        String type,
        String content,
        @Nullable JsonNode extra,
        String channel,
        String status,
        @Nullable String failureReason,
        @Nullable String clientMsgId,
        Instant createdAt,
        @Nullable Instant sentAt,
        @Nullable Instant deliveredAt,
        @Nullable Instant readAt) {
}
