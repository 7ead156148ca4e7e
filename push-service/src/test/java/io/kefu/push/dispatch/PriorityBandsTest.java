package io.kefu.push.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PriorityBandsTest {

    @Test
    void elevenPrioritiesFallIntoFourBands() {
        int[] expected = {1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4};
        for (int p = 0; p <= 10; p++) {
            assertThat(PriorityBands.band(p)).as("priority %d", p).isEqualTo(expected[p]);
        }
        assertThat(PriorityBands.MAX).isEqualTo(4);
        assertThatThrownBy(() -> PriorityBands.band(11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PriorityBands.band(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoffGrowsAndIsCapped() {
        DispatchProperties p = new DispatchProperties(Map.of("sms", 2), 25, 2, Duration.ofSeconds(60), 5, Duration.ofSeconds(2), 3.0,
                Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofDays(7), 1000);
        assertThat(p.backoffAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.backoffAfter(2)).isEqualTo(Duration.ofSeconds(6));
        assertThat(p.backoffAfter(3)).isEqualTo(Duration.ofSeconds(18));
        assertThat(p.backoffAfter(4)).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> new DispatchProperties(Map.of("sms", 0), 25, 2, Duration.ofSeconds(60), 5, Duration.ofSeconds(2), 3.0,
                Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofDays(7), 1000)).hasMessageContaining("pools.sms");
    }
}
