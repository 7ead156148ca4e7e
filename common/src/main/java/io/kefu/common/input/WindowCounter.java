package io.kefu.common.input;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.LongCodec;

/**
 * A fixed-window counter in Redis, shared by every instance: one round trip counts an event under a
 * key for the current window (second, minute, ...) and says how many there were. The limits that count
 * per account or per user (callbacks per account, WeChat-code logins per user) are built on it; each
 * decides what to do when Redis does not answer (they let the request through).
 */
public final class WindowCounter {

    private static final String INCR = """
            local n = redis.call('incr', KEYS[1])
            if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end
            return n""";

    private final RedissonClient redisson;
    private final Clock clock;

    public WindowCounter(RedissonClient redisson, Clock clock) {
        this.redisson = redisson;
        this.clock = clock;
    }

    /**
     * Counts one event under {@code key} in the current {@code window}: the count so far including this
     * one, or empty when Redis did not answer.
     */
    public OptionalLong increment(String key, Duration window) {
        long size = window.toMillis();
        String windowKey = key + ":" + clock.millis() / size;
        try {
            Long count = redisson.getScript(LongCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, INCR, RScript.ReturnType.LONG,
                    List.of(windowKey), size + 1000);
            return count == null ? OptionalLong.empty() : OptionalLong.of(count);
        } catch (RuntimeException redisDown) {
            return OptionalLong.empty();
        }
    }

    /** Whole seconds until the current {@code window} ends (at least 1): a 429's {@code retryAfter}. */
    public long secondsLeft(Duration window) {
        long size = window.toMillis();
        return Math.max(1, (size - clock.millis() % size + 999) / 1000);
    }
}
