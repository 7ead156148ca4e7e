package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * Routing asks chat to end a conversation (reason timeout, inactive or resolved); chat owns the
 * conversation and records the end. {@code byStaffId} is the agent who declared it resolved (a staff
 * command); null when routing's timeouts end it.
 */
@EventType(value = "routing.conversation.close-requested.v1", priority = 4)
public record CloseRequested(UUID conversationId, UUID customerId, String reason, @Nullable String comment, @Nullable UUID byStaffId,
        Instant at) {
}
