package io.kefu.chat.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A channel refused a message (e.g. WeChat 45015: the 48-hour window closed). push-service can fall
 * back to a subscribe or template message.
 *
 * @param errorCode the channel's own code, e.g. "45015"
 */
@EventType(value = "chat.message.failed.v1", priority = 5)
public record MessageFailed(
        UUID messageId,
        UUID conversationId,
        UUID customerId,
        String channel,
        @Nullable UUID channelAccountId,
        @Nullable String channelUserId,
        String type,
        String content,
        String errorCode,
        String reason,
        Instant failedAt) {
}
