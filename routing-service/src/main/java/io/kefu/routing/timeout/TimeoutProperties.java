package io.kefu.routing.timeout;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.routing.timeout.*}, hot.
 *
 * @param warnAfter      the customer has not answered the agent (or the AI) for this long: warn them
 * @param closeAfter     ... for this long (after the warning): close with ended_reason=timeout
 * @param cleanupAfter   any conversation without a message for this long is closed as inactive
 * @param presenceGrace  an agent whose last WebSocket closed goes offline after this
 * @param batchSize      rows one run of a job handles at most
 */
@Validated
@ConfigurationProperties("kefu.routing.timeout")
public record TimeoutProperties(
        @DefaultValue("5m") @NotNull Duration warnAfter,
        @DefaultValue("10m") @NotNull Duration closeAfter,
        @DefaultValue("24h") @NotNull Duration cleanupAfter,
        @DefaultValue("60s") @NotNull Duration presenceGrace,
        @DefaultValue("500") @Min(1) @Max(100_000) int batchSize) {
}
