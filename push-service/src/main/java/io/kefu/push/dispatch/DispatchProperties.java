package io.kefu.push.dispatch;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.push.dispatch.*}, hot.
 *
 * @param pools          consumers (senders working at once) per channel; changed live
 * @param batchSize      ids in one lot: one AMQP message of the bulk queue, which a consumer claims, sends and records at once (it
 *                       prefetches a second lot): one statement per step and one broker message for the lot instead of one per
 *                       message; bounded, so bands 1-3 still take turns by priority
 * @param urgentPool     consumers per channel of the urgent lane (priority 9-10), one delivery each: never busy with a batch; also the
 *                       threads that send a priority 9-10 message this instance accepted at once ({@link UrgentLane})
 * @param lease          how long a claimed message may be "sending" before the lease job looks at it
 * @param maxAttempts    sends tried before a transiently failing message is dead-lettered
 * @param backoff        first retry delay; then times {@code backoffMultiplier}, at most {@code backoffMax}
 * @param backoffMultiplier growth of the retry delay
 * @param backoffMax     longest retry delay
 * @param republishAfter a queued message whose publication is older than this is published again (lost delivery)
 * @param retention      how long messages and their traces are kept
 * @param publishChunk   messages published per confirm round
 */
@Validated
@ConfigurationProperties("kefu.push.dispatch")
public record DispatchProperties(
        @DefaultValue @NotNull Map<String, Integer> pools,
        @DefaultValue("50") @Min(1) @Max(200) int batchSize,
        @DefaultValue("2") @Min(1) @Max(50) int urgentPool,
        @DefaultValue("60s") @NotNull Duration lease,
        @DefaultValue("5") @Min(1) @Max(20) int maxAttempts,
        @DefaultValue("2s") @NotNull Duration backoff,
        @DefaultValue("3.0") double backoffMultiplier,
        @DefaultValue("5m") @NotNull Duration backoffMax,
        @DefaultValue("5m") @NotNull Duration republishAfter,
        @DefaultValue("7d") @NotNull Duration retention,
        @DefaultValue("1000") @Min(1) @Max(10000) int publishChunk) {

    static final Map<String, Integer> POOL_DEFAULTS = Map.of("sms", 8, "email", 4, "app", 8, "wechat", 8, "feishu", 4);

    public DispatchProperties {
        java.util.Map<String, Integer> merged = new java.util.HashMap<>(POOL_DEFAULTS);
        merged.putAll(pools);
        pools = Map.copyOf(merged);
        for (Map.Entry<String, Integer> pool : pools.entrySet()) {
            if (pool.getValue() == null || pool.getValue() < 1 || pool.getValue() > 200) {
                throw new IllegalArgumentException("kefu.push.dispatch.pools." + pool.getKey() + " must be 1-200");
            }
        }
        if (backoffMultiplier < 1 || backoffMultiplier > 10) {
            throw new IllegalArgumentException("kefu.push.dispatch.backoff-multiplier must be 1-10");
        }
    }

    public int pool(String channel) {
        return pools.getOrDefault(channel, 4);
    }

    /** Delay before attempt {@code attempt + 1} after {@code attempt} failed transiently. */
    public Duration backoffAfter(int attempt) {
        double millis = backoff.toMillis() * Math.pow(backoffMultiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(millis, backoffMax.toMillis()));
    }
}
