package io.kefu.auth.events;

import java.time.Instant;

import io.kefu.common.event.EventType;

/**
 * A service provider's account changed (name, username, active flag); carries the full new state and the
 * account's version, so a consumer keeping a copy (ticket-service: names on customers and tickets) applies
 * only a newer one.
 */
@EventType(value = "auth.provider.updated.v1", priority = 4)
public record ProviderUpdated(String providerId, String tenantId, String name, String username, boolean active, long version,
        Instant updatedAt) {
}
