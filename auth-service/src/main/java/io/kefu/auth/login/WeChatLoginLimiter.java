package io.kefu.auth.login;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

import io.kefu.auth.config.AuthProperties;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.input.WindowCounter;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The per-user ceiling of WeChat-code logins, once the code has told us who the user is: logins of one
 * openid of one mini-program per minute ({@code kefu.auth.wechat-logins-per-minute}). The gateway limits
 * these routes per appId + code and only loosely per address, since thousands of mini-program users share
 * a carrier's address; this stops one WeChat account (a script with a real account) from minting tokens
 * in a loop. A counter per user and minute in Redis, shared by every instance; when Redis does not answer
 * the login goes on (the gateway's buckets still apply).
 */
@Component
class WeChatLoginLimiter {

    private static final Logger log = LoggerFactory.getLogger(WeChatLoginLimiter.class);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final WindowCounter counter;
    private final LiveProperties<AuthProperties> properties;

    WeChatLoginLimiter(RedissonClient redisson, LiveProperties<AuthProperties> properties, Clock clock) {
        this.counter = new WindowCounter(redisson, clock);
        this.properties = properties;
    }

    /** Counts one login of {@code openid} in mini-program {@code appId}; 429 {@code rate-limited} beyond the ceiling. */
    void acquire(String appId, String openid) {
        int ceiling = properties.get().wechatLoginsPerMinute();
        if (ceiling == 0) {
            return;
        }
        OptionalLong count = counter.increment("kefu:auth:wechat-login:" + appId + ":" + openid, MINUTE);
        if (count.isEmpty()) {
            log.warn("WeChat login limit of {} not checked (Redis did not answer)", appId);
            return;
        }
        if (count.getAsLong() > ceiling) {
            long retryAfter = counter.secondsLeft(MINUTE);
            throw new KefuProblemException(ProblemType.RATE_LIMITED,
                    "More than " + ceiling + " sign-ins a minute for this WeChat user; retry after " + retryAfter + " s",
                    Map.of("retryAfter", retryAfter));
        }
    }
}
