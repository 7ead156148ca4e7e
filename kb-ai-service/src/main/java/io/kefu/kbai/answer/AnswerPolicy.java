package io.kefu.kbai.answer;

import io.kefu.kbai.intent.Intent;
import io.kefu.kbai.llm.LowBand;
import org.jspecify.annotations.Nullable;

/**
 * The answer policy (seed 001), pure. In order:
 * <ol>
 * <li>a customer who asks for a person or complains gets one (routing catches its own words first;
 *     these are the ones it let through);</li>
 * <li>an empty question (a picture, a sticker) or an empty KB: a polite fallback and the human queue;</li>
 * <li>{@link Band#AUTO} (score above the upper threshold): the KB answer goes to the customer at once;</li>
 * <li>{@link Band#DRAFT}: the model rewrites the KB answer into a draft for review; with no model the
 *     KB answer itself is the draft;</li>
 * <li>{@link Band#FALLBACK}: the model drafts from the closest items for review, unless the tenant
 *     sends the low band to people or has no model — then the human queue.</li>
 * </ol>
 * A model that fails, times out, answers nothing or says the KB does not cover the question hands the
 * conversation to people with the fallback ({@link #afterModelFailure}). No outcome leaves the customer
 * without a message.
 */
public final class AnswerPolicy {

    public enum Action {
        /** send the best item's answer now */
        SEND_KB,
        /** the model rewrites the best item's answer; the result is a draft */
        REWRITE_DRAFT,
        /** no model: the best item's answer is the draft */
        KB_DRAFT,
        /** the model writes from the closest items; the result is a draft */
        COMPOSE_DRAFT,
        /** polite fallback, then the human queue */
        HAND_OFF
    }

    /** @param reason why people take over (only for {@link Action#HAND_OFF}) */
    public record Decision(Action action, @Nullable String reason) {

        static Decision of(Action action) {
            return new Decision(action, null);
        }

        static Decision handOff(String reason) {
            return new Decision(Action.HAND_OFF, reason);
        }

        public boolean needsModel() {
            return action == Action.REWRITE_DRAFT || action == Action.COMPOSE_DRAFT;
        }
    }

    private AnswerPolicy() {
    }

    public static Decision decide(String question, Evidence evidence, Intent intent, boolean hasModel, LowBand lowBand) {
        if (intent == Intent.HUMAN) {
            return Decision.handOff("asked_for_human");
        }
        if (intent == Intent.COMPLAINT) {
            return Decision.handOff("complaint");
        }
        if (question.isBlank()) {
            return Decision.handOff("not_understood");
        }
        if (evidence.items().isEmpty()) {
            return Decision.handOff("empty_kb");
        }
        return switch (evidence.band()) {
            case AUTO -> Decision.of(Action.SEND_KB);
            case DRAFT -> Decision.of(hasModel ? Action.REWRITE_DRAFT : Action.KB_DRAFT);
            case FALLBACK -> lowBand == LowBand.HUMAN || !hasModel ? Decision.handOff("low_confidence") : Decision.of(Action.COMPOSE_DRAFT);
        };
    }

    /**
     * The tenant's auto mode (auth's config): when it is off, nothing reaches the customer unreviewed, so
     * the top band's KB answer becomes a draft like the middle band's (no model needed: the score says the
     * KB answer fits). A whitelisted customer counts as auto mode on.
     */
    public static Decision withTenantRules(Decision decision, boolean autoAllowed) {
        return decision.action() == Action.SEND_KB && !autoAllowed ? Decision.of(Action.KB_DRAFT) : decision;
    }

    /** The model failed (kind from {@link io.kefu.kbai.llm.ModelFailure#kind()}) or said the KB does not cover the question. */
    public static Decision afterModelFailure(boolean notCovered) {
        return Decision.handOff(notCovered ? "not_covered" : "model_failed");
    }
}
