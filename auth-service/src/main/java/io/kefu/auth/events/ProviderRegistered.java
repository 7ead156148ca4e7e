package io.kefu.auth.events;

import java.time.Instant;

import io.kefu.common.event.EventType;

/** A service provider (服务商) account was created; ticket-service keeps the provider's business data. */
@EventType(value = "auth.provider.registered.v1", priority = 4)
public record ProviderRegistered(String providerId, String tenantId, String name, String username, Instant registeredAt) {
}
