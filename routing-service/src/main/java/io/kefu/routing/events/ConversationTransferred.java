package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A conversation moved to another agent or group; history stays with the conversation. When
 * {@code toAgentId} is null it waits in {@code toGroup}'s queue until assigned.
 */
@EventType(value = "routing.conversation.transferred.v1", priority = 6)
public record ConversationTransferred(UUID conversationId, UUID customerId, @Nullable UUID fromAgentId, @Nullable UUID toAgentId,
        String toGroup, @Nullable UUID byStaffId, String reason, Instant transferredAt) {
}
