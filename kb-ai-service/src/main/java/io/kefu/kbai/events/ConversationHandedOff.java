package io.kefu.kbai.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import io.kefu.common.event.PrioritizedEvent;

/**
 * The AI gives the conversation to people: routing puts it in the human queue with its history (a
 * request to routing; a fact for stats). {@code reason}: asked_for_human, complaint, blacklisted, empty_kb,
 * low_confidence, model_failed, rejected, review_timeout, window_closing. {@code intent} (presale,
 * aftersale, complaint, human, other) lets routing pick the group.
 *
 * @param kbHit   whether the best item scored at or above the lower threshold
 * @param atQuestion true when this is the question's first outcome (no draft came before it), so that
 *                stats count each question once: questions = sent[origin=auto] + drafted + handed-off[atQuestion]
 */
@EventType("kb.conversation.handed-off.v1")
public record ConversationHandedOff(UUID answerId, UUID conversationId, UUID customerId, String reason, String intent, String band,
        double score, boolean kbHit, boolean atQuestion, Instant handedOffAt) implements PrioritizedEvent {

    /** A complaint ranks above an ordinary hand-off; every hand-off has a customer waiting. */
    @Override
    public int eventPriority() {
        return "complaint".equals(intent) ? 8 : 7;
    }
}
