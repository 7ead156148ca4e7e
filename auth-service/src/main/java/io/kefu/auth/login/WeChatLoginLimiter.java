package io.kefu.auth.login;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.kefu.auth.config.AuthProperties;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.LongCodec;
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
    private static final String INCR = """
            local n = redis.call('incr', KEYS[1])
            if n == 1 then redis.call('pexpire', KEYS[1], 61000) end
            return n""";

    private final RedissonClient redisson;
    private final LiveProperties<AuthProperties> properties;
    private final Clock clock;

    WeChatLoginLimiter(RedissonClient redisson, LiveProperties<AuthProperties> properties, Clock clock) {
        this.redisson = redisson;
        this.properties = properties;
        this.clock = clock;
    }

    /** Counts one login of {@code openid} in mini-program {@code appId}; 429 {@code rate-limited} beyond the ceiling. */
    void acquire(String appId, String openid) {
        int ceiling = properties.get().wechatLoginsPerMinute();
        if (ceiling == 0) {
            return;
        }
        long millis = clock.millis();
        long minute = millis / 60_000;
        String key = "kefu:auth:wechat-login:" + appId + ":" + openid + ":" + minute;
        Long count;
        try {
            count = redisson.getScript(LongCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, INCR, RScript.ReturnType.LONG, List.of(key));
        } catch (RuntimeException e) {
            log.warn("WeChat login limit of {} not checked (Redis): {}", appId, e.toString());
            return;
        }
        if (count != null && count > ceiling) {
            long retryAfter = Math.max(1, (60_000 - millis % 60_000 + 999) / 1000);
            throw new KefuProblemException(ProblemType.RATE_LIMITED,
                    "More than " + ceiling + " sign-ins a minute for this WeChat user; retry after " + retryAfter + " s",
                    Map.of("retryAfter", retryAfter));
        }
    }
}
