package io.kefu.common.input;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.redisson.api.RedissonClient;
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
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final WindowCounter counter;
    private final LiveProperties<CallbackProperties> properties;

    public CallbackLimiter(RedissonClient redisson, LiveProperties<CallbackProperties> properties, Clock clock) {
        this.counter = new WindowCounter(redisson, clock);
        this.properties = properties;
    }

    /** Counts one signed callback of {@code account} on {@code platform}; 429 beyond the ceiling. */
    public void acquire(String platform, String account) {
        CallbackProperties props = properties.get();
        int ceiling = props.ceiling(platform);
        if (ceiling == 0) {
            return;
        }
        OptionalLong count = counter.increment(props.keyPrefix() + ":" + platform + ":" + account, SECOND);
        if (count.isEmpty()) {
            log.warn("Callback limit of {} {} not checked (Redis did not answer)", platform, account);
            return;
        }
        if (count.getAsLong() > ceiling) {
            throw new KefuProblemException(RATE_LIMITED, "More than " + ceiling + " callbacks a second for this account",
                    java.util.Map.of("retryAfter", 1));
        }
    }
}
