package io.kefu.ticket.sla;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * A tenant's business hours: the days that are worked (weekdays, minus holidays, plus the weekend
 * days declared working — 调休), each open from {@code open} to {@code close} in the tenant's zone.
 * Pure: no clock, no I/O.
 */
public record BusinessCalendar(ZoneId zone, Set<DayOfWeek> workdays, LocalTime open, LocalTime close, Set<LocalDate> holidays,
        Set<LocalDate> workingDays) {

    public BusinessCalendar {
        if (!close.isAfter(open)) {
            throw new IllegalArgumentException("close (" + close + ") must be after open (" + open + ")");
        }
        workdays = Set.copyOf(workdays);
        holidays = Set.copyOf(holidays);
        workingDays = Set.copyOf(workingDays);
    }

    public boolean isBusinessDay(LocalDate day) {
        if (workingDays.contains(day)) {
            return true;
        }
        return workdays.contains(day.getDayOfWeek()) && !holidays.contains(day);
    }

    /** Business time between two instants (zero when {@code to} is not after {@code from}). */
    public Duration between(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Duration.ZERO;
        }
        LocalDate day = from.atZone(zone).toLocalDate();
        LocalDate last = to.atZone(zone).toLocalDate();
        Duration total = Duration.ZERO;
        for (; !day.isAfter(last); day = day.plusDays(1)) {
            if (!isBusinessDay(day)) {
                continue;
            }
            Instant dayOpen = ZonedDateTime.of(day, open, zone).toInstant();
            Instant dayClose = ZonedDateTime.of(day, close, zone).toInstant();
            Instant a = from.isAfter(dayOpen) ? from : dayOpen;
            Instant b = to.isBefore(dayClose) ? to : dayClose;
            if (b.isAfter(a)) {
                total = total.plus(Duration.between(a, b));
            }
        }
        return total;
    }
}
