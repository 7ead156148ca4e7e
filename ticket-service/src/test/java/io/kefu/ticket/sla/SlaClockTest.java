package io.kefu.ticket.sla;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SLA clock in business time: hours, weekends, holidays, working weekends (调休), pauses; time from an injected clock. */
class SlaClockTest {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    // 2026-09-30 is a Wednesday; 2026-10-01..03 holidays; Sunday 2026-10-11 declared a working day
    static final BusinessCalendar CALENDAR = new BusinessCalendar(SHANGHAI, EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
            LocalTime.of(9, 0), LocalTime.of(18, 0), Set.of(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 2)),
            Set.of(LocalDate.of(2026, 10, 11)));
    static final SlaTarget TARGET = new SlaTarget(Duration.ofHours(4), Duration.ofHours(18));

    static Instant at(int month, int day, int hour, int minute) {
        return ZonedDateTime.of(2026, month, day, hour, minute, 0, 0, SHANGHAI).toInstant();
    }

    static SlaClock clockAt(Instant now) {
        return new SlaClock(CALENDAR, Clock.fixed(now, SHANGHAI));
    }

    @Test
    void countsOnlyBusinessHoursOfTheSameDay() {
        assertThat(CALENDAR.between(at(9, 30, 8, 0), at(9, 30, 10, 30))).isEqualTo(Duration.ofMinutes(90));
        assertThat(CALENDAR.between(at(9, 30, 17, 0), at(9, 30, 23, 0))).isEqualTo(Duration.ofHours(1));
        assertThat(CALENDAR.between(at(9, 30, 12, 0), at(9, 30, 12, 0))).isZero();
        assertThat(CALENDAR.between(at(9, 30, 12, 0), at(9, 30, 11, 0))).isZero();
    }

    @Test
    void skipsWeekendsAndHolidaysAndCountsDeclaredWorkingDays() {
        // Wed 17:00 → Mon 10:00: 1 h on Wed, Thu/Fri holidays, weekend off, 1 h on Monday
        assertThat(CALENDAR.between(at(9, 30, 17, 0), at(10, 5, 10, 0))).isEqualTo(Duration.ofHours(2));
        // Sat 10/10 → Mon 10/12 09:30: only Sunday 10/11 is worked (9 h) + 30 min Monday
        assertThat(CALENDAR.between(at(10, 10, 0, 0), at(10, 12, 9, 30))).isEqualTo(Duration.ofMinutes(9 * 60 + 30));
        assertThat(CALENDAR.isBusinessDay(LocalDate.of(2026, 10, 3))).isFalse(); // a Saturday
        assertThat(CALENDAR.isBusinessDay(LocalDate.of(2026, 10, 1))).isFalse();
        assertThat(CALENDAR.isBusinessDay(LocalDate.of(2026, 10, 11))).isTrue();
    }

    @Test
    void aTicketOpenedAtNightStartsCountingAtOpeningTime() {
        Instant opened = at(9, 29, 22, 0); // Tuesday night
        SlaClock.Reading reading = clockAt(at(9, 30, 13, 0)).read(opened, Duration.ZERO, null, null, null, TARGET);
        assertThat(reading.firstResponseElapsed()).isEqualTo(Duration.ofHours(4));
        assertThat(reading.firstResponseBreached()).isFalse();
        assertThat(clockAt(at(9, 30, 13, 1)).read(opened, Duration.ZERO, null, null, null, TARGET).firstResponseBreached()).isTrue();
    }

    @Test
    void theFirstResponseStopsTheFirstResponseClockOnly() {
        Instant opened = at(9, 28, 9, 0);
        SlaClock.Reading r = clockAt(at(9, 30, 9, 0)).read(opened, Duration.ZERO, null, at(9, 28, 10, 0), null, TARGET);
        assertThat(r.firstResponseElapsed()).isEqualTo(Duration.ofHours(1));
        assertThat(r.firstResponseBreached()).isFalse();
        assertThat(r.resolutionElapsed()).isEqualTo(Duration.ofHours(18));
        assertThat(r.resolutionBreached()).isFalse();
        assertThat(clockAt(at(9, 30, 9, 1)).read(opened, Duration.ZERO, null, at(9, 28, 10, 0), null, TARGET).resolutionBreached()).isTrue();
    }

    @Test
    void timeWaitingOnTheCustomerIsNotCounted() {
        Instant opened = at(9, 28, 9, 0);
        // waiting on the customer since Monday 12:00, still waiting on Wednesday 9:00: only 3 h count
        SlaClock now = clockAt(at(9, 30, 9, 0));
        assertThat(now.elapsed(opened, Duration.ZERO, at(9, 28, 12, 0), null)).isEqualTo(Duration.ofHours(3));
        // the customer answered: that pause (Mon 12:00 → Tue 12:00 = 9 h of business time) is kept aside
        SlaClock answered = clockAt(at(9, 29, 12, 0));
        Duration pause = answered.pauseEndingNow(at(9, 28, 12, 0));
        assertThat(pause).isEqualTo(Duration.ofHours(9));
        assertThat(now.elapsed(opened, pause, null, null)).isEqualTo(Duration.ofHours(18 - 9));
    }

    @Test
    void aResolvedTicketsClockStopsAtResolution() {
        Instant opened = at(9, 28, 9, 0);
        SlaClock.Reading r = clockAt(at(12, 1, 9, 0)).read(opened, Duration.ZERO, null, at(9, 28, 9, 30), at(9, 28, 15, 0), TARGET);
        assertThat(r.resolutionElapsed()).isEqualTo(Duration.ofHours(6));
        assertThat(r.resolutionBreached()).isFalse();
    }

    @Test
    void aCalendarThatClosesBeforeItOpensIsRefused() {
        assertThatThrownBy(() -> new BusinessCalendar(SHANGHAI, Set.of(DayOfWeek.MONDAY), LocalTime.of(18, 0), LocalTime.of(9, 0), Set.of(),
                Set.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
