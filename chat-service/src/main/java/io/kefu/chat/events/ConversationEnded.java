package io.kefu.chat.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * @param endedReason user_ended, service_ended, timeout, resolved, transferred, inactive
 * @param endedType   who ended it: customer, staff or system
 */
@EventType(value = "chat.conversation.ended.v1", priority = 3)
public record ConversationEnded(
        UUID conversationId,
        UUID customerId,
        @Nullable UUID agentId,
        String status,
        String endedReason,
        @Nullable UUID endedBy,
        String endedType,
        Instant startedAt,
        Instant endedAt) {
}
