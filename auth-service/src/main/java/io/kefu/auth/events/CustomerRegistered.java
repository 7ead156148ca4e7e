package io.kefu.auth.events;

import java.time.Instant;

import io.kefu.common.event.EventType;

/** A customer was seen for the first time (by any channel) and now has an id. */
@EventType(value = "auth.customer.registered.v1", priority = 3)
public record CustomerRegistered(String customerId, String tenantId, String channel, String appId, boolean hasUnionId,
        Instant registeredAt) {
}
