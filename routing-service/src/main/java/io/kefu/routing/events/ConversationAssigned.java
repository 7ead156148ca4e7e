package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/** An agent now answers the conversation; chat tells the customer and the agent. */
@EventType("routing.conversation.assigned.v1")
public record ConversationAssigned(UUID conversationId, UUID customerId, UUID agentId, @Nullable UUID previousAgentId,
        String groupName, long waitedSeconds, Instant assignedAt) {
}
