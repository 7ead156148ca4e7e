package io.kefu.stats.metric;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** What stats knows of one conversation, each timestamp from the event named in README.md's dictionary. */
public record ConversationRow(UUID conversationId, UUID tenantId, @Nullable UUID customerId, @Nullable String channel,
        @Nullable String groupName, @Nullable Instant openedAt, @Nullable Instant reopenedAt, @Nullable Instant aiRequestedAt,
        @Nullable Instant queuedAt, @Nullable Instant assignedAt, @Nullable Long waitedSeconds, @Nullable UUID agentId,
        @Nullable Instant endedAt, @Nullable String endedReason, @Nullable UUID endedAgentId, @Nullable Integer rating,
        @Nullable Instant ratedAt, @Nullable UUID ratedAgentId, @Nullable Instant aiHandedOffAt) {

    /** A reply by a human agent. */
    public record HumanReply(UUID messageId, @Nullable UUID agentId, Instant sentAt) {
    }

    /**
     * When the customer started waiting for a human: the first time the conversation joined the human
     * queue (on opening, or on the AI's hand-off); for a conversation that never went to the AI nor
     * the queue (assigned at once), when it opened. An AI-only conversation has none.
     */
    public @Nullable Instant humanWaitStartedAt() {
        if (queuedAt != null) {
            return queuedAt;
        }
        return aiRequestedAt == null ? openedAt : null;
    }
}
