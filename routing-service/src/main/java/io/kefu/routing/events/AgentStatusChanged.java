package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

/** An agent went online, busy or offline (chat broadcasts it to the tenant's online staff). */
@EventType(value = "routing.agent.status.v1", priority = 4)
public record AgentStatusChanged(UUID staffId, String name, String groupName, String status, String previousStatus, int currentLoad,
        int maxConcurrentChats, String cause, Instant changedAt) {
}
