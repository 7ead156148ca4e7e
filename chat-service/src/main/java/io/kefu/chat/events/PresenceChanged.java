package io.kefu.chat.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A user's first STOMP session opened ({@code online}) or their last one closed, across all
 * chat-service instances. routing-service takes agents offline after its grace period.
 */
@EventType(value = "chat.presence.changed.v1", priority = 4)
public record PresenceChanged(UUID userId, String userType, @Nullable UUID tenantId, boolean online, int sessions, Instant changedAt) {
}
