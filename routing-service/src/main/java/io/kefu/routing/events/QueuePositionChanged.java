package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

/** A waiting customer's place in the queue changed materially; chat tells them. */
@EventType(value = "routing.queue.position.v1", priority = 3)
public record QueuePositionChanged(UUID conversationId, UUID customerId, int position, long estimatedWaitSeconds, Instant at) {
}
