package io.kefu.kbai.tenant;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BusinessHoursTest {

    @Test
    void aDayRangeIsOpenFromItsStartUntilJustBeforeItsEnd() {
        BusinessHours hours = BusinessHours.parse("09:00-18:00");
        assertThat(hours.understood()).isTrue();
        assertThat(hours.openAt(LocalTime.of(8, 59))).isFalse();
        assertThat(hours.openAt(LocalTime.of(9, 0))).isTrue();
        assertThat(hours.openAt(LocalTime.of(17, 59))).isTrue();
        assertThat(hours.openAt(LocalTime.of(18, 0))).isFalse();
    }

    @Test
    void severalRangesFullWidthCharactersAndChineseWordsAreUnderstood() {
        BusinessHours hours = BusinessHours.parse("９：００～１２：００，13点30至18点");
        assertThat(hours.understood()).isTrue();
        assertThat(hours.openAt(LocalTime.of(10, 0))).isTrue();
        assertThat(hours.openAt(LocalTime.of(12, 30))).isFalse();
        assertThat(hours.openAt(LocalTime.of(13, 30))).isTrue();
    }

    @Test
    void aRangeEndingBeforeItStartsRunsOverMidnight() {
        BusinessHours hours = BusinessHours.parse("22:00-06:00");
        assertThat(hours.openAt(LocalTime.of(23, 0))).isTrue();
        assertThat(hours.openAt(LocalTime.of(5, 59))).isTrue();
        assertThat(hours.openAt(LocalTime.of(12, 0))).isFalse();
    }

    @Test
    void blankAllDayAndUnreadableTextMeanAlwaysOpenAndSaySo() {
        assertThat(BusinessHours.parse(null).openAt(LocalTime.MIDNIGHT)).isTrue();
        assertThat(BusinessHours.parse("00:00-24:00").openAt(LocalTime.of(3, 0))).isTrue();
        assertThat(BusinessHours.parse("全天").openAt(LocalTime.of(3, 0))).isTrue();
        BusinessHours typo = BusinessHours.parse("weekdays, mostly");
        assertThat(typo.understood()).isFalse();
        assertThat(typo.openAt(LocalTime.of(3, 0))).isTrue();
        assertThat(BusinessHours.parse("25:00-26:00").understood()).isFalse();
        assertThat(BusinessHours.parse("09:00-18:00 except sundays").understood()).isFalse();
    }

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private static ZonedDateTime at(int day, int hour, int minute) {
        return LocalDateTime.of(2026, 11, day, hour, minute).atZone(SHANGHAI);
    }

    @Test
    void theNextOpeningIsNowWhenOpenElseTheNextRangeStartTodayOrTomorrow() {
        BusinessHours hours = BusinessHours.parse("09:00-12:00,13:30-18:00");
        assertThat(hours.openFrom(at(30, 10, 0))).isEqualTo(at(30, 10, 0));
        assertThat(hours.openFrom(at(30, 2, 0))).isEqualTo(at(30, 9, 0));
        assertThat(hours.openFrom(at(30, 12, 15))).isEqualTo(at(30, 13, 30));
        assertThat(hours.openFrom(at(30, 18, 0))).as("closing time is closed").isEqualTo(LocalDateTime.of(2026, 12, 1, 9, 0).atZone(SHANGHAI));
        assertThat(BusinessHours.parse("22:00-06:00").openFrom(at(30, 12, 0))).isEqualTo(at(30, 22, 0));
        assertThat(BusinessHours.parse(null).openFrom(at(30, 3, 0))).isEqualTo(at(30, 3, 0));
    }
}
