package io.kefu.kbai.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

/**
 * A draft answer waits in the review queue (a fact, for stats and reviewers' screens).
 *
 * @param kbHit whether the best item scored at or above the lower threshold (the KB hit rate's numerator)
 * @param model the chat model that wrote the draft, {@code kb} when no model is configured and the KB
 *              answer itself is the draft
 */
@EventType(value = "kb.answer.drafted.v1", priority = 3)
public record AnswerDrafted(UUID answerId, UUID conversationId, String band, double score, boolean kbHit, String intent, String model,
        Instant draftedAt) {
}
