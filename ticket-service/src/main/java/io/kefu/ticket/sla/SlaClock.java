package io.kefu.ticket.sla;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A ticket's SLA clock, counted in business time: from {@code startedAt} (the customer's first message
 * for a ticket made from a conversation, else its creation) to now, minus the business time spent
 * waiting on the customer — the pauses already over ({@code pausedBefore}) and the one still running
 * ({@code waitingSince}). The first-response clock stops at the first response; the resolution clock
 * at resolution. Pure apart from the injected clock.
 */
public final class SlaClock {

    private final BusinessCalendar calendar;
    private final Clock clock;

    public SlaClock(BusinessCalendar calendar, Clock clock) {
        this.calendar = calendar;
        this.clock = clock;
    }

    /** What the clock says for one ticket. */
    public record Reading(Duration firstResponseElapsed, Duration resolutionElapsed, boolean firstResponseBreached,
            boolean resolutionBreached) {
    }

    public Duration elapsed(Instant startedAt, Duration pausedBefore, @Nullable Instant waitingSince, @Nullable Instant stoppedAt) {
        Instant end = stoppedAt != null ? stoppedAt : clock.instant();
        Duration running = calendar.between(startedAt, end).minus(pausedBefore);
        if (waitingSince != null && stoppedAt == null) {
            running = running.minus(calendar.between(waitingSince, end));
        }
        return running.isNegative() ? Duration.ZERO : running;
    }

    /** Business time of a pause that ended now: added to the ticket's paused time. */
    public Duration pauseEndingNow(Instant waitingSince) {
        return calendar.between(waitingSince, clock.instant());
    }

    public Reading read(Instant startedAt, Duration pausedBefore, @Nullable Instant waitingSince, @Nullable Instant firstResponseAt,
            @Nullable Instant resolvedAt, SlaTarget target) {
        Duration first = elapsed(startedAt, Duration.ZERO, null, firstResponseAt);
        Duration resolution = elapsed(startedAt, pausedBefore, waitingSince, resolvedAt);
        return new Reading(first, resolution, first.compareTo(target.firstResponse()) > 0, resolution.compareTo(target.resolution()) > 0);
    }
}
