package io.kefu.kbai.answer;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventPublisher;
import io.kefu.kbai.events.AnswerSent;
import io.kefu.kbai.events.ConversationHandedOff;
import io.kefu.kbai.tenant.TenantRules;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * What the customer gets from the AI, as events in the caller's transaction: an AI message for chat
 * ({@code kb.answer.sent.v1}) and, when people take over, the hand-off for routing
 * ({@code kb.conversation.handed-off.v1}) after the polite notice, so no hand-off leaves the customer
 * without a word.
 */
@Component
public class Replies {

    private final EventPublisher events;
    private final LiveProperties<AnswerProperties> properties;
    private final Clock clock;

    Replies(EventPublisher events, LiveProperties<AnswerProperties> properties, Clock clock) {
        this.events = events;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * The notice for a customer outside the tenant's business hours ({@code off-hours-message} with the
     * hours), or null while people are at work.
     */
    public @Nullable String offHoursNotice(TenantRules rules, Instant at) {
        AnswerProperties p = properties.get();
        return rules.hours().openAt(at.atZone(p.zone()).toLocalTime()) ? null : p.offHoursMessage().replace("{hours}", rules.hours().text());
    }

    /** When people are next at work for the tenant, seen from {@code at}: {@code at} while open. */
    public Instant reviewersBackAt(TenantRules rules, Instant at) {
        return rules.hours().openFrom(at.atZone(properties.get().zone())).toInstant();
    }

    /** An AI message to the customer; origin auto, reviewed, fallback or holding. */
    public void send(AnswerRow row, String content, String origin, String band, double score, @Nullable UUID itemId, String model) {
        events.publish(new AnswerSent(row.id(), row.conversationId(), row.customerId(), row.messageId(), content, origin, band, score, itemId,
                model, clock.instant()), row.tenantId().toString(), row.conversationId().toString());
    }

    /**
     * The notice, then the human queue. {@code atQuestion}: this is the question's first outcome (no draft
     * came before), so stats count the question here.
     */
    public void handOff(AnswerRow row, String reason, String intent, String band, double score, boolean kbHit, boolean atQuestion) {
        handOff(row, reason, intent, band, score, kbHit, atQuestion, null);
    }

    /** As above; {@code notice} replaces the usual notice (outside business hours: when people are back). */
    public void handOff(AnswerRow row, String reason, String intent, String band, double score, boolean kbHit, boolean atQuestion,
            @Nullable String notice) {
        AnswerProperties p = properties.get();
        boolean asked = "asked_for_human".equals(reason) || "complaint".equals(reason);
        send(row, notice != null ? notice : asked ? p.handoffMessage() : p.fallbackMessage(), "fallback", band, score, null, "kb");
        events.publish(new ConversationHandedOff(row.id(), row.conversationId(), row.customerId(), reason, intent, band, score, kbHit,
                atQuestion, clock.instant()), row.tenantId().toString(), row.conversationId().toString());
    }
}
