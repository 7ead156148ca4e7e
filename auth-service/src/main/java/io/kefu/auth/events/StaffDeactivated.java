package io.kefu.auth.events;

import java.time.Instant;

import io.kefu.common.event.EventType;

/** A staff member can no longer sign in; their sessions were revoked. Routing stops assigning to them. */
@EventType(value = "auth.staff.deactivated.v1", priority = 6)
public record StaffDeactivated(String staffId, String tenantId, Instant deactivatedAt) {
}
