package io.kefu.deploy.e2e;

import java.util.Map;
import java.util.UUID;

/** Gateway settings for end-to-end runs. */
final class GatewaySettings {

    private GatewaySettings() {
    }

    /**
     * A rate-limit key prefix of the run's own (Redis is shared) and login limits loose enough for a
     * suite that signs in a dozen times from one address; the limits themselves are proven in the
     * gateway's RateLimitIT.
     */
    static Map<String, String> forEndToEnd() {
        return Map.of(
                "KEFU_RATE_LIMIT_KEY_PREFIX", "kefu-e2e-" + UUID.randomUUID(),
                "KEFU_RATE_LIMIT_LOGIN_RATE", "100",
                "KEFU_RATE_LIMIT_LOGIN_BURST", "600");
    }
}
