package io.kefu.ticket.client;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The documented usage-score formula and the expiry-derived status. */
class UsageScoreTest {

    @Test
    void partsAddUpAndAreCapped() {
        assertThat(UsageScore.of(0, 0, 0, 0).score()).isZero();
        assertThat(UsageScore.of(20, 10, 20, 20).score()).isEqualTo(100);
        assertThat(UsageScore.of(60, 50, 999, 20).score()).isEqualTo(100);
        UsageScore s = UsageScore.of(10, 3, 5, 20);
        assertThat(s.activity().points()).isEqualTo(20.0);
        assertThat(s.breadth().points()).isEqualTo(9.0);
        assertThat(s.ports().points()).isEqualTo(7.5);
        assertThat(s.score()).isEqualTo(37); // 36.5 rounds up
        assertThat(UsageScore.of(5, 0, 3, 0).ports().points()).isZero(); // no ports licensed
    }

    @Test
    void statusFollowsTheExpiryDate() {
        LocalDate today = LocalDate.of(2026, 11, 29);
        assertThat(ClientStatus.of(today.minusDays(1), today, 30)).isEqualTo(ClientStatus.EXPIRED);
        assertThat(ClientStatus.of(today, today, 30)).isEqualTo(ClientStatus.EXPIRING);
        assertThat(ClientStatus.of(today.plusDays(30), today, 30)).isEqualTo(ClientStatus.EXPIRING);
        assertThat(ClientStatus.of(today.plusDays(31), today, 30)).isEqualTo(ClientStatus.ACTIVE);
    }
}
