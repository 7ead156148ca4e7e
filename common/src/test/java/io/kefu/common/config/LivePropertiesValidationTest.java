package io.kefu.common.config;

import java.util.HashMap;
import java.util.Map;

import io.kefu.common.config.LiveProperties.InvalidLivePropertiesException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Live properties are checked with the record's own Jakarta constraints, at start-up and on every refresh. */
@ExtendWith(OutputCaptureExtension.class)
class LivePropertiesValidationTest {

    enum Mode { CALM, BUSY }

    @ConfigurationProperties("demo.live")
    record Tunables(
            @DefaultValue("least-loaded") @Pattern(regexp = "least-loaded|longest-idle") String strategy,
            @DefaultValue("20") @Min(1) @Max(100) int permits,
            @DefaultValue("kefu") @NotBlank String name,
            @DefaultValue("calm") Mode mode,
            @DefaultValue @Valid Limits limits) {

        record Limits(@DefaultValue("5") @Min(1) int perMinute) {
        }
    }

    final Map<String, Object> values = new HashMap<>();
    final StandardEnvironment environment = new StandardEnvironment();

    LivePropertiesValidationTest() {
        environment.getPropertySources().addFirst(new MapPropertySource("live", values));
    }

    @Test
    void goodValuesBind() {
        values.put("demo.live.strategy", "longest-idle");
        values.put("demo.live.mode", "busy");
        assertThat(LiveProperties.bind(environment, Tunables.class).get())
                .isEqualTo(new Tunables("longest-idle", 20, "kefu", Mode.BUSY, new Tunables.Limits(5)));
    }

    @Test
    void atStartUpABadValueFailsWithItsKeyAndReason() {
        values.put("demo.live.strategy", "least_loaded");
        values.put("demo.live.permits", "0");
        values.put("demo.live.name", " ");
        values.put("demo.live.limits.per-minute", "0");
        assertThatThrownBy(() -> LiveProperties.bind(environment, Tunables.class))
                .isInstanceOfSatisfying(InvalidLivePropertiesException.class, e -> assertThat(e.violations()).containsExactly(
                        "demo.live.limits.per-minute=0: must be greater than or equal to 1",
                        "demo.live.name= : must not be blank",
                        "demo.live.permits=0: must be greater than or equal to 1",
                        "demo.live.strategy=least_loaded: must match \"least-loaded|longest-idle\""));
    }

    @Test
    void anUnknownEnumValueFailsWithItsKey() {
        values.put("demo.live.mode", "frantic");
        assertThatThrownBy(() -> LiveProperties.bind(environment, Tunables.class))
                .isInstanceOf(InvalidLivePropertiesException.class).hasMessageContaining("demo.live.mode=frantic");
    }

    @Test
    void atRunTimeABadValueIsRefusedLoggedAndThePreviousOneKept(CapturedOutput output) {
        LiveProperties<Tunables> live = LiveProperties.bind(environment, Tunables.class);
        values.put("demo.live.permits", "50");
        assertThat(live.rebind()).isTrue();
        assertThat(live.get().permits()).isEqualTo(50);

        values.put("demo.live.permits", "0");
        values.put("demo.live.strategy", "least_loaded");
        assertThat(live.rebind()).isFalse();
        assertThat(live.get().permits()).isEqualTo(50);
        assertThat(live.get().strategy()).isEqualTo("least-loaded");
        assertThat(output).contains("Refused new values of demo.live.*").contains("demo.live.permits=0: must be greater than or equal to 1")
                .contains("demo.live.strategy=least_loaded");

        values.put("demo.live.permits", "7");
        values.remove("demo.live.strategy");
        assertThat(live.rebind()).isTrue();
        assertThat(live.get().permits()).isEqualTo(7);
    }

    @Test
    void theEventsRecordsOwnChecksAreRefusalsToo() {
        values.put("kefu.events.domain", "chat");
        values.put("kefu.events.amqp-max-priority", "11");
        assertThatThrownBy(() -> LiveProperties.bind(environment, io.kefu.common.event.EventsProperties.class))
                .isInstanceOf(InvalidLivePropertiesException.class).hasMessageContaining("amqp-max-priority must be 1-10");
        values.put("kefu.events.amqp-max-priority", "3");
        assertThat(LiveProperties.bind(environment, io.kefu.common.event.EventsProperties.class).get().amqpMaxPriority()).isEqualTo(3);
    }
}
