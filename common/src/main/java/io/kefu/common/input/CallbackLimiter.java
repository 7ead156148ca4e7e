package io.kefu.common.input;

import java.time.Clock;
import java.util.List;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.LongCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-account ceiling of a platform's callbacks (the gateway does not limit {@code /callback/**}
 * by address: WeChat calls from a handful of server IPs shared by every account). A service calls
 * {@link #acquire} right after it has verified the callback's signature — so only the account's own
 * signed traffic counts — and before it stores anything. One Redis round trip: a counter per account
 * and second, shared by every instance. When Redis does not answer the callback is let through (the
 * platform's own volume is the protection then), never refused.
 */
public class CallbackLimiter {

    public static final ProblemType RATE_LIMITED = ProblemType.RATE_LIMITED;

    private static final Logger log = LoggerFactory.getLogger(CallbackLimiter.class);
    private static final String INCR = """
            local n = redis.call('incr', KEYS[1])
            if n == 1 then redis.call('pexpire', KEYS[1], 2000) end
            return n""";

    private final RedissonClient redisson;
    private final LiveProperties<CallbackProperties> properties;
    private final Clock clock;

    public CallbackLimiter(RedissonClient redisson, LiveProperties<CallbackProperties> properties, Clock clock) {
        this.redisson = redisson;
        this.properties = properties;
        this.clock = clock;
    }

    /** Counts one signed callback of {@code account} on {@code platform}; 429 beyond the ceiling. */
    public void acquire(String platform, String account) {
        CallbackProperties props = properties.get();
        int ceiling = props.ceiling(platform);
        if (ceiling == 0) {
            return;
        }
        long second = clock.millis() / 1000;
        String key = props.keyPrefix() + ":" + platform + ":" + account + ":" + second;
        Long count;
        try {
            count = redisson.getScript(LongCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, INCR, RScript.ReturnType.LONG,
                    List.of(key));
        } catch (RuntimeException e) {
            log.warn("Callback limit of {} {} not checked (Redis): {}", platform, account, e.toString());
            return;
        }
        if (count != null && count > ceiling) {
            throw new KefuProblemException(RATE_LIMITED, "More than " + ceiling + " callbacks a second for this account",
                    java.util.Map.of("retryAfter", 1));
        }
    }
}
