package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import io.kefu.common.event.PrioritizedEvent;

/**
 * A conversation entered a tenant's waiting queue (position counts from 1). A fact. Priority 5; a
 * prioritised customer's (VIP, {@code priority > 0}) 7, so chat tells them first.
 */
@EventType(value = "routing.conversation.queued.v1", priority = 5)
public record ConversationQueued(UUID conversationId, UUID customerId, String groupName, int priority, int position,
        long estimatedWaitSeconds, String reason, Instant enqueuedAt) implements PrioritizedEvent {

    @Override
    public int eventPriority() {
        return priority > 0 ? 7 : 5;
    }
}
