package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

/** A conversation entered a tenant's waiting queue (position counts from 1). */
@EventType("routing.conversation.queued.v1")
public record ConversationQueued(UUID conversationId, UUID customerId, String groupName, int priority, int position,
        long estimatedWaitSeconds, String reason, Instant enqueuedAt) {
}
