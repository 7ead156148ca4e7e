package io.kefu.stats.metric;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.kefu.stats.metric.ConversationRow.HumanReply;
import org.jspecify.annotations.Nullable;

/**
 * The per-conversation half of the metric dictionary, as a pure function of what is known of the
 * conversation: the same row gives the same measures whatever order its events arrived in, so a
 * conversation's measures are simply re-derived and replaced on every event about it.
 */
public final class ConversationMeasures {

    private ConversationMeasures() {
    }

    public static List<Measure> derive(ConversationRow c, List<HumanReply> humanReplies) {
        return derive(c, humanReplies, null, ZoneId.of("UTC"));
    }

    /**
     * With the tenant's business hours (null when it has none), the three waits also get their business-hours
     * value: the seconds of the same interval that fall inside the hours in the tenant's zone, observed at the
     * same time and with the same agent as the calendar value.
     */
    public static List<Measure> derive(ConversationRow c, List<HumanReply> humanReplies, @Nullable BusinessHours hours, ZoneId zone) {
        List<Measure> out = new ArrayList<>();
        String key = c.conversationId().toString();
        if (c.openedAt() != null) {
            out.add(measure(c, Metric.CONVERSATION_OPENED, c.openedAt(), 1, false, null));
        }
        if (c.aiRequestedAt() != null) {
            out.add(measure(c, Metric.AI_CONVERSATION, c.aiRequestedAt(), 1, false, null));
        }
        if (c.queuedAt() != null) {
            out.add(measure(c, Metric.QUEUE_ENTERED, c.queuedAt(), 1, false, null));
        }
        // handed off by the AI: kb-ai said so, or the conversation joined the human queue after the AI had it (first of both)
        Instant handoff = c.aiHandedOffAt();
        if (c.queuedAt() != null && c.aiRequestedAt() != null && !c.aiRequestedAt().isAfter(c.queuedAt())
                && (handoff == null || c.queuedAt().isBefore(handoff))) {
            handoff = c.queuedAt();
        }
        if (handoff != null) {
            out.add(measure(c, Metric.AI_HANDOFF, handoff, 1, false, null));
        }
        if (c.assignedAt() != null) {
            Double wait = c.queuedAt() != null ? seconds(c.queuedAt(), c.assignedAt())
                    : c.waitedSeconds() != null ? (double) c.waitedSeconds() : null;
            if (wait != null) {
                out.add(measure(c, Metric.QUEUE_WAIT, c.assignedAt(), wait, false, c.agentId()));
            }
            // routing's waitedSeconds alone (stats never saw the queueing) has no start to place in the hours: no business value
            if (hours != null && c.queuedAt() != null) {
                out.add(measure(c, Metric.QUEUE_WAIT_BUSINESS, c.assignedAt(), hours.seconds(c.queuedAt(), c.assignedAt(), zone), false, c.agentId()));
            }
        }
        Instant waitStart = c.humanWaitStartedAt();
        Optional<HumanReply> first = waitStart == null ? Optional.empty()
                : humanReplies.stream().filter(r -> !r.sentAt().isBefore(waitStart)).min(Comparator.comparing(HumanReply::sentAt));
        first.ifPresent(r -> out.add(measure(c, Metric.FIRST_RESPONSE, r.sentAt(), seconds(waitStart, r.sentAt()), false,
                r.agentId() != null ? r.agentId() : c.agentId())));
        if (hours != null) {
            first.ifPresent(r -> out.add(measure(c, Metric.FIRST_RESPONSE_BUSINESS, r.sentAt(), hours.seconds(waitStart, r.sentAt(), zone), false,
                    r.agentId() != null ? r.agentId() : c.agentId())));
        }
        if (c.endedAt() != null) {
            Instant end = c.endedAt();
            boolean assignedBeforeEnd = c.assignedAt() != null && !c.assignedAt().isAfter(end);
            boolean humanAnswered = first.filter(r -> !r.sentAt().isAfter(end)).isPresent();
            if (c.queuedAt() != null && !assignedBeforeEnd && !humanAnswered) {
                out.add(measure(c, Metric.ABANDONED, end, 1, false, null));
            }
            if (c.openedAt() != null) {
                out.add(measure(c, Metric.RESOLUTION, end, seconds(c.openedAt(), end), false, agentAtEnd(c)));
                if (hours != null) {
                    out.add(measure(c, Metric.RESOLUTION_BUSINESS, end, hours.seconds(c.openedAt(), end, zone), false, agentAtEnd(c)));
                }
            }
            if (assignedBeforeEnd) {
                out.add(measure(c, Metric.HANDLED, end, 1, false, agentAtEnd(c)));
                out.add(measure(c, Metric.HANDLING, end, seconds(c.assignedAt(), end), false, agentAtEnd(c)));
            }
        }
        if (c.rating() != null && c.ratedAt() != null) {
            out.add(measure(c, Metric.CSAT, c.ratedAt(), c.rating(), c.rating() >= 4,
                    c.ratedAgentId() != null ? c.ratedAgentId() : agentAtEnd(c)));
        }
        return out;
    }

    private static @Nullable UUID agentAtEnd(ConversationRow c) {
        return c.endedAgentId() != null ? c.endedAgentId() : c.agentId();
    }

    private static Measure measure(ConversationRow c, Metric metric, Instant at, double value, boolean good, @Nullable UUID agent) {
        return new Measure(metric, c.conversationId().toString(), at, value, good, c.conversationId(), agent, c.groupName(), c.channel());
    }

    static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
    }
}
