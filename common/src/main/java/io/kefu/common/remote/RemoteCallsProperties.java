package io.kefu.common.remote;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kefu.remote-calls.*}, read live (a refresh changes them), except {@code threads}.
 *
 * @param lease          how long a claim holds; longer than the slowest call (client timeouts and retries included)
 * @param maxAttempts    tries of a call before it fails with code {@code gave-up}
 * @param initialBackoff wait after the first transient failure; doubles per attempt
 * @param maxBackoff     cap of that wait
 * @param sweepBatch     calls the sweep handles per kind of work (due, lease expired) per run
 * @param retention      how long settled calls are kept before the sweep deletes them
 * @param threads        workers that carry out calls after commit (at start only); beyond their queue the sweep picks calls up
 */
@ConfigurationProperties("kefu.remote-calls")
public record RemoteCallsProperties(
        @DefaultValue("60s") @NotNull Duration lease,
        @DefaultValue("8") @Min(1) @Max(100) int maxAttempts,
        @DefaultValue("2s") @NotNull Duration initialBackoff,
        @DefaultValue("5m") @NotNull Duration maxBackoff,
        @DefaultValue("100") @Min(1) @Max(10_000) int sweepBatch,
        @DefaultValue("7d") @NotNull Duration retention,
        @DefaultValue("4") @Min(1) @Max(256) int threads) {

    public RemoteCallsProperties {
        if (lease == null || lease.toMillis() < 1) {
            throw new IllegalArgumentException("kefu.remote-calls.lease must be positive");
        }
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("kefu.remote-calls.max-attempts must be 1-100, was " + maxAttempts);
        }
        if (initialBackoff == null || initialBackoff.isNegative() || maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("kefu.remote-calls.initial-backoff must be >= 0 and <= max-backoff");
        }
        if (sweepBatch < 1 || sweepBatch > 10_000) {
            throw new IllegalArgumentException("kefu.remote-calls.sweep-batch must be 1-10000, was " + sweepBatch);
        }
        if (retention == null || retention.isNegative()) {
            throw new IllegalArgumentException("kefu.remote-calls.retention must not be negative");
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("kefu.remote-calls.threads must be 1-256, was " + threads);
        }
    }

    /** The wait after the {@code attempt}-th try failed transiently: initial × 2^(attempt-1), capped. */
    public Duration backoff(int attempt) {
        Duration wait = initialBackoff;
        for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
