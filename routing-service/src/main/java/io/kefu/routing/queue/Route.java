package io.kefu.routing.queue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** Where a conversation is in routing: ai, waiting, assigned or closed. */
public record Route(UUID conversationId, UUID tenantId, UUID customerId, String channel, String status, String groupName,
        List<String> skills, int priority, @Nullable Instant enqueuedAt, @Nullable UUID agentId, @Nullable Instant assignedAt,
        @Nullable UUID previousAgentId, @Nullable Instant lastCustomerAt, @Nullable Instant lastAgentAt, @Nullable Instant warnedAt,
        @Nullable Integer notifiedPosition, long version) {
}
