package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

/** The conversation will be closed for inactivity unless someone writes; chat warns the customer. */
@EventType(value = "routing.conversation.inactivity-warning.v1", priority = 4)
public record InactivityWarning(UUID conversationId, UUID customerId, long closesInSeconds, Instant at) {
}
