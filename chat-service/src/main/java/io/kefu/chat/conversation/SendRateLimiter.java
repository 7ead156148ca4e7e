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
import org.springframework.stereotype.Component;

/**
 * Per-sender sending limit, shared by every chat-service instance through Redis (Redisson's token
 * bucket). The key carries the configured rate, so a changed setting takes effect at once on fresh
 * buckets instead of waiting for the old ones to expire.
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
        limiter.trySetRate(RateType.OVERALL, p.sendRatePermits(), period, period.multipliedBy(2));
        if (!limiter.tryAcquire()) {
            throw new KefuProblemException(ProblemType.RATE_LIMITED,
                    "At most " + p.sendRatePermits() + " messages per " + period.toSeconds() + " s; slow down and resend",
                    Map.of("retryAfterSeconds", Math.max(1, period.toSeconds() / p.sendRatePermits())));
        }
    }
}
