package io.kefu.kbai.review;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.event.EventPublisher;
import io.kefu.kbai.answer.AnswerRow;
import io.kefu.kbai.answer.Replies;
import io.kefu.kbai.events.AnswerReviewed;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A reviewer's actions on a draft. Each is one short transaction: the conditional state change, the
 * KB write-back when asked, and the events (the AI message for chat, the verdict for stats, the
 * hand-off for routing) — all or nothing.
 */
@Component
class Reviews {

    private final Drafts drafts;
    private final Replies replies;
    private final KbWriteBack kb;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final LiveProperties<ReviewProperties> properties;
    private final Clock clock;

    Reviews(Drafts drafts, Replies replies, KbWriteBack kb, EventPublisher events, TransactionTemplate tx,
            LiveProperties<ReviewProperties> properties, Clock clock) {
        this.drafts = drafts;
        this.replies = replies;
        this.kb = kb;
        this.events = events;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    AnswerRow claim(UUID tenantId, UUID id, UUID reviewer) {
        AnswerRow row = drafts.get(tenantId, id);
        Instant now = clock.instant();
        if (!drafts.claim(tenantId, id, reviewer, now, now.plus(properties.get().claimTtl()))) {
            throw new KefuProblemException(drafts.get(tenantId, id).status().equals("draft") ? ReviewProblems.CLAIMED : ReviewProblems.NOT_PENDING,
                    "Draft " + id + " cannot be claimed");
        }
        return drafts.get(tenantId, row.id());
    }

    /**
     * Sends the draft as it is ({@code edited} null or equal to the draft) or edited; an edited answer can
     * go back into the KB ({@code saveToKb}: phrasing = the customer's question becomes a phrasing of the
     * best item, answer = the edited text becomes that item's answer).
     */
    AnswerRow send(UUID tenantId, UUID id, UUID reviewer, @Nullable String edited, SaveToKb saveToKb) {
        AnswerRow row = drafts.get(tenantId, id);
        String draft = row.draft() == null ? "" : row.draft();
        boolean changed = edited != null && !edited.strip().equals(draft.strip());
        String answer = changed ? edited.strip() : draft;
        String verdict = changed ? "edited" : "sent_as_is";
        Instant now = clock.instant();
        tx.executeWithoutResult(status -> {
            if (!drafts.send(tenantId, id, reviewer, answer, verdict, saveToKb == SaveToKb.NONE ? null : saveToKb.code(), now)) {
                throw conflict(tenantId, id, reviewer);
            }
            UUID itemId = kb.bestItem(row);
            if (saveToKb != SaveToKb.NONE) {
                kb.save(row, itemId, answer, saveToKb, reviewer);
            }
            replies.send(row, answer, "reviewed", row.bandOr("draft"), row.score(), itemId, changed ? "reviewer" : row.model() == null ? "kb" : row.model());
            events.publish(new AnswerReviewed(row.id(), row.conversationId(), verdict, row.bandOr("draft"), row.score(), reviewer, now),
                    tenantId.toString(), row.conversationId().toString());
        });
        return drafts.get(tenantId, id);
    }

    /** Rejects the draft: the customer gets the fallback notice and the human queue takes the conversation. */
    AnswerRow reject(UUID tenantId, UUID id, UUID reviewer, @Nullable String reason) {
        AnswerRow row = drafts.get(tenantId, id);
        Instant now = clock.instant();
        tx.executeWithoutResult(status -> {
            if (!drafts.reject(tenantId, id, reviewer, reason, now)) {
                throw conflict(tenantId, id, reviewer);
            }
            handOff(row, "rejected", reviewer, now, null);
        });
        return drafts.get(tenantId, id);
    }

    /** The job's verdicts (timed_out, window_closing): same exit, no reviewer; {@code notice} as in {@link #handOff}. */
    boolean escalate(AnswerRow row, String verdict, @Nullable String notice) {
        Instant now = clock.instant();
        Boolean done = tx.execute(status -> {
            if (!drafts.escalate(row.id(), row.version(), verdict, now)) {
                return false;
            }
            handOff(row, verdict, null, now, notice);
            return true;
        });
        return Boolean.TRUE.equals(done);
    }

    /** {@code notice}: what the customer reads instead of the usual notice (outside business hours), or null. */
    private void handOff(AnswerRow row, String verdict, @Nullable UUID reviewer, Instant now, @Nullable String notice) {
        String reason = "timed_out".equals(verdict) ? "review_timeout" : verdict;
        events.publish(new AnswerReviewed(row.id(), row.conversationId(), verdict, row.bandOr("draft"), row.score(), reviewer, now),
                row.tenantId().toString(), row.conversationId().toString());
        replies.handOff(row, reason, row.intent() == null ? "other" : row.intent(), row.bandOr("draft"), row.score(), row.kbHit(), false,
                notice);
    }

    private KefuProblemException conflict(UUID tenantId, UUID id, UUID reviewer) {
        AnswerRow now = drafts.get(tenantId, id);
        if (!"draft".equals(now.status())) {
            return new KefuProblemException(ReviewProblems.NOT_PENDING, "Draft " + id + " is " + now.status());
        }
        if (now.claimedBy() != null && !now.claimedBy().equals(reviewer) && now.claimedUntil() != null
                && now.claimedUntil().isAfter(clock.instant())) {
            return new KefuProblemException(ReviewProblems.CLAIMED, "Draft " + id + " is held by another reviewer");
        }
        return new KefuProblemException(ReviewProblems.NOT_CLAIMED, "Claim draft " + id + " first (or again: the claim expired)");
    }
}
