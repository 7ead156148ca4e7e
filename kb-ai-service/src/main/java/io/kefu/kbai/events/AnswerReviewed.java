package io.kefu.kbai.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A draft left the review queue (a fact, for stats: AI accuracy = sent_as_is ÷ reviewed by a person).
 *
 * @param verdict    sent_as_is, edited, rejected (by a reviewer), timed_out or window_closing (by the
 *                   review job; no person judged it, so they do not count in the accuracy)
 * @param reviewerId who judged it; null for the job's verdicts
 */
@EventType(value = "kb.answer.reviewed.v1", priority = 3)
public record AnswerReviewed(UUID answerId, UUID conversationId, String verdict, String band, double score, @Nullable UUID reviewerId,
        Instant reviewedAt) {
}
