package io.kefu.stats.metric;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A conversation's row while a batch's events change it in memory ({@link Conversations}): read once under its lock,
 * changed by each event in the order they ran, written once. The fields are the columns; each change computes every
 * new value from the values before it, as the single SQL {@code update} it replaces did (PostgreSQL's {@code least}
 * and {@code greatest} skip nulls, as {@link #least} and {@link #greatest} do).
 */
final class ConversationFacts {

    final UUID conversationId;
    final UUID tenantId;
    @Nullable UUID customerId;
    @Nullable String channel;
    @Nullable String groupName;
    @Nullable Instant openedAt;
    @Nullable Instant reopenedAt;
    @Nullable Instant aiRequestedAt;
    @Nullable Instant queuedAt;
    @Nullable Instant assignedAt;
    @Nullable Long waitedSeconds;
    @Nullable UUID agentId;
    @Nullable Instant endedAt;
    @Nullable String endedReason;
    @Nullable UUID endedAgentId;
    @Nullable Integer rating;
    @Nullable Instant ratedAt;
    @Nullable UUID ratedAgentId;
    @Nullable Instant aiHandedOffAt;

    ConversationFacts(ConversationRow r) {
        conversationId = r.conversationId();
        tenantId = r.tenantId();
        customerId = r.customerId();
        channel = r.channel();
        groupName = r.groupName();
        openedAt = r.openedAt();
        reopenedAt = r.reopenedAt();
        aiRequestedAt = r.aiRequestedAt();
        queuedAt = r.queuedAt();
        assignedAt = r.assignedAt();
        waitedSeconds = r.waitedSeconds();
        agentId = r.agentId();
        endedAt = r.endedAt();
        endedReason = r.endedReason();
        endedAgentId = r.endedAgentId();
        rating = r.rating();
        ratedAt = r.ratedAt();
        ratedAgentId = r.ratedAgentId();
        aiHandedOffAt = r.aiHandedOffAt();
    }

    /** The row of a conversation stats has not heard of: nothing known but its tenant. */
    static ConversationFacts blank(UUID conversation, UUID tenant) {
        return new ConversationFacts(new ConversationRow(conversation, tenant, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null));
    }

    ConversationRow row() {
        return new ConversationRow(conversationId, tenantId, customerId, channel, groupName, openedAt, reopenedAt, aiRequestedAt, queuedAt,
                assignedAt, waitedSeconds, agentId, endedAt, endedReason, endedAgentId, rating, ratedAt, ratedAgentId, aiHandedOffAt);
    }

    static @Nullable Instant least(@Nullable Instant a, @Nullable Instant b) {
        return a == null ? b : b == null || !b.isBefore(a) ? a : b;
    }

    static @Nullable Instant greatest(@Nullable Instant a, @Nullable Instant b) {
        return a == null ? b : b == null || !b.isAfter(a) ? a : b;
    }

    static <T> @Nullable T coalesce(@Nullable T a, @Nullable T b) {
        return a != null ? a : b;
    }

    /**
     * A time as PostgreSQL stores it ({@code timestamptz}: microseconds, rounded as pgjdbc sends it), so that comparing
     * in memory gives what comparing the stored values gave.
     */
    static Instant micros(Instant at) {
        return at.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
    }
}
