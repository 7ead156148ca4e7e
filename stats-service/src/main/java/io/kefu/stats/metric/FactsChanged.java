package io.kefu.stats.metric;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Published (in-process, inside the ingest transaction) when a tenant's facts changed; the live
 * board acts on it after commit. {@code conversationId} with {@code waitingSince} says whether that
 * conversation waits for a human now; {@code staffId} with {@code agentStatus} gives an agent's status.
 */
public record FactsChanged(UUID tenantId, @Nullable UUID conversationId, @Nullable Instant waitingSince, @Nullable UUID staffId,
        @Nullable String agentStatus) {
}
