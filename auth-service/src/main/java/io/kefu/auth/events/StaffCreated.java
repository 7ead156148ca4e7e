package io.kefu.auth.events;

import java.time.Instant;
import java.util.List;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/** An admin registered a staff member (agent, supervisor or admin). Routing builds its agent profile from it. */
@EventType(value = "auth.staff.created.v1", priority = 4)
public record StaffCreated(String staffId, String tenantId, String name, List<String> roles, String department,
        int maxConcurrentChats, boolean active, @Nullable String wecomUserId, Instant occurredAt) {
}
