package io.kefu.push.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A fact: the message will not be sent — {@code outcome} {@code failed} (refused for good, or an
 * unconfigured channel), {@code dead} (retries exhausted, in the dead-letter list) or {@code unknown}
 * (the sender died mid-send and it is not resent).
 */
@EventType(value = "push.message.failed.v1", priority = 3)
public record MessageFailed(UUID messageId, @Nullable UUID batchId, UUID templateId, String channel, String provider, String outcome,
        String reason, int attempts, Instant failedAt) {
}
