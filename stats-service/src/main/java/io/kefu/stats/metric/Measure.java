package io.kefu.stats.metric;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** One observation of a metric, with the dimensions it can be broken down by. */
public record Measure(Metric metric, String key, Instant at, double value, boolean good, @Nullable UUID conversationId,
        @Nullable UUID agentId, @Nullable String groupName, @Nullable String channel) {
}
