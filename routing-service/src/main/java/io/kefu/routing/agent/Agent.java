package io.kefu.routing.agent;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** An agent's routing profile and live state. */
public record Agent(UUID staffId, UUID tenantId, String name, String groupName, List<String> skills, int maxConcurrentChats,
        boolean active, String status, Instant statusChangedAt, int currentLoad, @Nullable Instant lastAssignedAt, long version) {

    public boolean hasCapacity() {
        return active && "online".equals(status) && currentLoad < maxConcurrentChats;
    }
}
