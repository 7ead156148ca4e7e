package io.kefu.push.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A fact: a provider accepted the message. No recipient (personal data) in it; stats counts by channel
 * and provider, and reads {@code sendMillis} (the provider call) and {@code latencyMillis} (accepted → sent).
 */
@EventType(value = "push.message.sent.v1", priority = 2)
public record MessageSent(UUID messageId, @Nullable UUID batchId, UUID templateId, String channel, String provider, int attempts,
        long sendMillis, long latencyMillis, Instant sentAt) {
}
