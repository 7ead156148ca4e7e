package io.kefu.routing.queue;

import java.util.HashMap;
import java.util.Map;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.config.LiveProperties.InvalidLivePropertiesException;
import io.kefu.routing.timeout.TimeoutProperties;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** routing's live records refuse bad values with their own constraints: at start-up, and on refresh keeping the last good one. */
class RoutingPropertiesValidationTest {

    final Map<String, Object> values = new HashMap<>();
    final StandardEnvironment environment = new StandardEnvironment();

    RoutingPropertiesValidationTest() {
        environment.getPropertySources().addFirst(new MapPropertySource("test", values));
    }

    @Test
    void aMisspelledStrategyStopsTheStartWithItsKey() {
        values.put("kefu.routing.strategy", "least_loaded");
        assertThatThrownBy(() -> LiveProperties.bind(environment, RoutingProperties.class))
                .isInstanceOf(InvalidLivePropertiesException.class)
                .hasMessageContaining("kefu.routing.strategy=least_loaded: must match \"least-loaded|longest-idle\"");
    }

    @Test
    void theStrategyIsAnEnumForTheCode() {
        values.put("kefu.routing.strategy", "longest-idle");
        assertThat(LiveProperties.bind(environment, RoutingProperties.class).get().assignmentStrategy())
                .isEqualTo(RoutingProperties.Strategy.LONGEST_IDLE);
        values.put("kefu.routing.strategy", "least-loaded");
        assertThat(LiveProperties.bind(environment, RoutingProperties.class).get().assignmentStrategy())
                .isEqualTo(RoutingProperties.Strategy.LEAST_LOADED);
    }

    @Test
    void onRefreshABadValueIsRefusedAndThePreviousOneKept() {
        LiveProperties<RoutingProperties> live = LiveProperties.bind(environment, RoutingProperties.class);
        values.put("kefu.routing.strategy", "longest-idle");
        assertThat(live.rebind()).isTrue();
        values.put("kefu.routing.strategy", "fastest");
        values.put("kefu.routing.batch-size", "0");
        values.put("kefu.routing.vip-priority", "11");
        assertThat(live.rebind()).isFalse();
        assertThat(live.get().strategy()).isEqualTo("longest-idle");
        assertThat(live.get().batchSize()).isEqualTo(50);
        assertThat(live.get().vipPriority()).isEqualTo(8);
    }

    @Test
    void timeoutsRefuseAZeroBatch() {
        values.put("kefu.routing.timeout.batch-size", "0");
        assertThatThrownBy(() -> LiveProperties.bind(environment, TimeoutProperties.class))
                .isInstanceOf(InvalidLivePropertiesException.class)
                .hasMessageContaining("kefu.routing.timeout.batch-size=0: must be greater than or equal to 1");
    }
}
