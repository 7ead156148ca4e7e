package io.kefu.common.input;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kefu.callbacks.*}, hot. Platform callbacks (WeChat/WeCom, SMS receipts, push providers) are
 * limited per account after their signature was checked, never per source address.
 *
 * @param perAccountPerSecond the default ceiling of signed callbacks a second for one account (appId,
 *                            corpId, SMS sign, …); 0 switches the limit off
 * @param platforms           a ceiling per platform name ({@code mp}, {@code wecom}, {@code sms}, …) where it differs
 * @param keyPrefix           Redis key prefix of the counters
 */
@ConfigurationProperties("kefu.callbacks")
public record CallbackProperties(
        @DefaultValue("1000") int perAccountPerSecond,
        @DefaultValue Map<String, Integer> platforms,
        @DefaultValue("kefu:callback-limit") String keyPrefix) {

    public CallbackProperties {
        if (perAccountPerSecond < 0 || platforms.values().stream().anyMatch(v -> v == null || v < 0)) {
            throw new IllegalArgumentException("kefu.callbacks ceilings must be 0 (off) or positive");
        }
    }

    int ceiling(String platform) {
        return platforms.getOrDefault(platform, perAccountPerSecond);
    }
}
