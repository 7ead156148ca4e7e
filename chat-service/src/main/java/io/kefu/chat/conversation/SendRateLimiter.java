package io.kefu.chat.conversation;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.springframework.stereotype.Component;

/**
 * Per-sender sending limit, shared by every chat-service instance through Redis (Redisson's token
 * bucket). The key carries the configured rate, so a changed setting takes effect at once on fresh
 * buckets instead of waiting for the old ones to expire. A bucket is set up only when Redis says it has
 * none: setting it first on every message cost a round trip, and its settings could expire between the
 * two calls, which Redisson answers with "RateLimiter is not initialized".
 */
@Component
class SendRateLimiter {

    private final RedissonClient redisson;
    private final LiveProperties<ConversationProperties> properties;

    SendRateLimiter(RedissonClient redisson, LiveProperties<ConversationProperties> properties) {
        this.redisson = redisson;
        this.properties = properties;
    }

    /** Takes one permit for {@code senderId} or refuses with 429 rate-limited. */
    void acquire(UUID senderId) {
        ConversationProperties p = properties.get();
        Duration period = p.sendRatePeriod();
        RRateLimiter limiter = redisson.getRateLimiter(
                "kefu:chat:send-rate:" + p.sendRatePermits() + "/" + period.toMillis() + ":" + senderId);
        if (!tryAcquire(limiter, p, period)) {
            throw new KefuProblemException(ProblemType.RATE_LIMITED,
                    "At most " + p.sendRatePermits() + " messages per " + period.toSeconds() + " s; slow down and resend",
                    Map.of("retryAfterSeconds", Math.max(1, period.toSeconds() / p.sendRatePermits())));
        }
    }

    private static boolean tryAcquire(RRateLimiter limiter, ConversationProperties p, Duration period) {
        try {
            return limiter.tryAcquire();
        } catch (RedisException e) {
            if (e.getMessage() == null || !e.getMessage().contains("not initialized")) {
                throw e;
            }
            // A new sender, or one whose bucket expired (kept twice the period after its last use).
            limiter.trySetRate(RateType.OVERALL, p.sendRatePermits(), period, period.multipliedBy(2));
            return limiter.tryAcquire();
        }
    }
}
