package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

/**
 * Routing asks chat to end a conversation (reason timeout, inactive or resolved); chat owns the
 * conversation and records the end.
 */
@EventType("routing.conversation.close-requested.v1")
public record CloseRequested(UUID conversationId, UUID customerId, String reason, String comment, Instant at) {
}
