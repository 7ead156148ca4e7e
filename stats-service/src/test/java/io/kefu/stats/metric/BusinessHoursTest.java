package io.kefu.stats.metric;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

import io.kefu.stats.metric.ConversationRow.HumanReply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Business-hours seconds of an interval, hand-computed, and the business-hours values of a conversation. */
class BusinessHoursTest {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    static Instant at(String local) {
        return LocalDateTime.parse(local).atZone(SHANGHAI).toInstant();
    }

    @Test
    void aWaitOverTheNightCountsOnlyTheMinutesInsideTheHours() {
        BusinessHours hours = BusinessHours.parse("09:00-18:00");
        // 17:50 → 18:00 and 09:00 → 09:10 next day
        assertThat(hours.seconds(at("2026-11-23T17:50"), at("2026-11-24T09:10"), SHANGHAI)).isEqualTo(20 * 60);
    }

    @Test
    void aWaitEntirelyOutsideTheHoursIsZeroAndOneInsideIsItsLength() {
        BusinessHours hours = BusinessHours.parse("09:00-18:00");
        assertThat(hours.seconds(at("2026-11-23T19:00"), at("2026-11-23T23:30"), SHANGHAI)).isZero();
        assertThat(hours.seconds(at("2026-11-23T10:00:00"), at("2026-11-23T10:01:30"), SHANGHAI)).isEqualTo(90);
    }

    @Test
    void aWaitOverAWholeDayCountsTheDaysHours() {
        BusinessHours hours = BusinessHours.parse("09:00-12:00, 13:30-18:00");
        // day 1: 16:00-18:00 (2 h); day 2: 3 h + 4.5 h; day 3: 09:00-10:00 (1 h) = 10.5 h
        assertThat(hours.seconds(at("2026-11-23T16:00"), at("2026-11-25T10:00"), SHANGHAI)).isEqualTo(10.5 * 3600);
    }

    @Test
    void rangesOverMidnightAndRoundTheClockAreUnderstood() {
        BusinessHours night = BusinessHours.parse("22:00-06:00");
        // 21:00 → 07:00 next day: 22:00-24:00 and 00:00-06:00 = 8 h
        assertThat(night.seconds(at("2026-11-23T21:00"), at("2026-11-24T07:00"), SHANGHAI)).isEqualTo(8 * 3600);
        assertThat(BusinessHours.parse("00:00-24:00").seconds(at("2026-11-23T21:00"), at("2026-11-24T07:00"), SHANGHAI)).isEqualTo(10 * 3600);
        assertThat(BusinessHours.parse("全天").seconds(at("2026-11-23T21:00"), at("2026-11-23T21:05"), SHANGHAI)).isEqualTo(300);
        assertThat(BusinessHours.parse("９点～１８点").seconds(at("2026-11-23T08:00"), at("2026-11-23T10:00"), SHANGHAI)).isEqualTo(3600);
    }

    @Test
    void overlappingRangesAreNotCountedTwice() {
        assertThat(BusinessHours.parse("09:00-12:00 11:00-13:00").seconds(at("2026-11-23T00:00"), at("2026-11-24T00:00"), SHANGHAI))
                .isEqualTo(4 * 3600);
    }

    @Test
    void blankOrUnreadableHoursMeanTheTenantHasNone() {
        assertThat(BusinessHours.parse(null)).isNull();
        assertThat(BusinessHours.parse("  ")).isNull();
        assertThat(BusinessHours.parse("工作日白天")).isNull();
        assertThat(BusinessHours.parse("25:00-26:00")).isNull();
    }

    @Test
    void aConversationGetsBusinessValuesOfItsQueueWaitFrtAndResolutionOnlyWithHours() {
        Instant queued = at("2026-11-23T17:50");
        Instant assigned = at("2026-11-24T09:05");
        Instant reply = at("2026-11-24T09:10");
        Instant ended = at("2026-11-24T09:30");
        UUID agent = UUID.randomUUID();
        ConversationRow c = new ConversationRow(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "mp", "default", queued, null, null, queued,
                assigned, null, agent, ended, "resolved", agent, null, null, null, null);
        List<HumanReply> replies = List.of(new HumanReply(UUID.randomUUID(), agent, reply));

        var with = ConversationMeasuresTest.byMetric(ConversationMeasures.derive(c, replies, BusinessHours.parse("09:00-18:00"), SHANGHAI));
        assertThat(with.get(Metric.QUEUE_WAIT_BUSINESS).value()).isEqualTo(15 * 60); // 10 min + 5 min
        assertThat(with.get(Metric.FIRST_RESPONSE_BUSINESS).value()).isEqualTo(20 * 60);
        assertThat(with.get(Metric.RESOLUTION_BUSINESS).value()).isEqualTo(40 * 60);
        assertThat(with.get(Metric.FIRST_RESPONSE_BUSINESS).at()).isEqualTo(with.get(Metric.FIRST_RESPONSE).at());
        assertThat(with.get(Metric.FIRST_RESPONSE).value()).isEqualTo(15 * 3600 + 20 * 60); // the calendar value is unchanged

        var without = ConversationMeasuresTest.byMetric(ConversationMeasures.derive(c, replies, null, SHANGHAI));
        assertThat(without).containsKeys(Metric.QUEUE_WAIT, Metric.FIRST_RESPONSE, Metric.RESOLUTION)
                .doesNotContainKeys(Metric.QUEUE_WAIT_BUSINESS, Metric.FIRST_RESPONSE_BUSINESS, Metric.RESOLUTION_BUSINESS);
    }
}
