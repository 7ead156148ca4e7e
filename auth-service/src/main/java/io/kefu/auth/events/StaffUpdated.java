package io.kefu.auth.events;

import java.time.Instant;
import java.util.List;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/** A staff member's name, roles, department, capacity or active flag changed; carries the full new state. */
@EventType(value = "auth.staff.updated.v1", priority = 4)
public record StaffUpdated(String staffId, String tenantId, String name, List<String> roles, String department,
        int maxConcurrentChats, boolean active, @Nullable String wecomUserId, long version, Instant occurredAt) {
}
