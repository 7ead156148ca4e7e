package io.kefu.kbai.answer;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** A question the AI took (table {@code ai_answer}), as the answer and review packages read it. */
public record AnswerRow(UUID id, UUID tenantId, UUID conversationId, UUID customerId, UUID messageId, String question, String status,
        int attempts, @Nullable String band, double score, boolean kbHit, @Nullable String intent, String itemsJson, @Nullable String draft,
        @Nullable String answer, @Nullable String model, @Nullable String channel, Instant customerWroteAt, Instant createdAt,
        @Nullable UUID claimedBy, @Nullable Instant claimedUntil, @Nullable String verdict, long version) {

    public String bandOr(String fallback) {
        return band == null ? fallback : band;
    }
}
