package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kefu.common.event.EventType;
import io.kefu.common.event.PrioritizedEvent;
import org.jspecify.annotations.Nullable;

/**
 * An agent now answers the conversation; chat tells the customer and the agent. A fact. Priority 6; the
 * assignment of a prioritised customer (VIP, {@code queuePriority > 0}) 7.
 *
 * @param queuePriority the customer's priority in the queue; decides the event's priority and is not part
 *                      of the published data
 */
@EventType(value = "routing.conversation.assigned.v1", priority = 6)
public record ConversationAssigned(UUID conversationId, UUID customerId, UUID agentId, @Nullable UUID previousAgentId,
        String groupName, long waitedSeconds, Instant assignedAt, @JsonIgnore int queuePriority) implements PrioritizedEvent {

    @Override
    public int eventPriority() {
        return queuePriority > 0 ? 7 : 6;
    }
}
