package io.kefu.chat.channel;

import java.time.Duration;

import io.kefu.common.config.LiveProperties;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.springframework.stereotype.Component;

/**
 * WeCom accepts 30 app messages a minute and 1,000 an hour to one member and silently drops the
 * rest, so we count before sending, across all instances (Redisson rate limiters per recipient).
 */
@Component
class WecomPacer {

    private final RedissonClient redisson;
    private final LiveProperties<ChannelProperties> properties;

    WecomPacer(RedissonClient redisson, LiveProperties<ChannelProperties> properties) {
        this.redisson = redisson;
        this.properties = properties;
    }

    /** True if a message to {@code userId} of {@code corpId} may go now (and is counted). */
    boolean tryAcquire(String corpId, String userId) {
        ChannelProperties p = properties.get();
        return limiter("m", corpId, userId, p.wecomPerMinute(), Duration.ofMinutes(1)).tryAcquire()
                && limiter("h", corpId, userId, p.wecomPerHour(), Duration.ofHours(1)).tryAcquire();
    }

    private RRateLimiter limiter(String window, String corpId, String userId, int permits, Duration interval) {
        RRateLimiter limiter = redisson.getRateLimiter("kefu:chat:wecom:pace:" + window + ":" + corpId + ":" + userId);
        // Kept alive twice the window after the last use; a changed setting applies to new recipients.
        limiter.trySetRate(RateType.OVERALL, permits, interval, interval.multipliedBy(2));
        return limiter;
    }
}
