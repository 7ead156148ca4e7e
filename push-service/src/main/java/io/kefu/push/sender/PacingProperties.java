package io.kefu.push.sender;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kefu.push.pacing.*}, hot. Shared by every instance (counters in Redis).
 *
 * @param enabled          off only for experiments
 * @param channelPerSecond messages a second per channel, all instances together
 * @param providerPerSecond messages a second per provider account ({@code aliyun}, {@code tencent}, {@code jpush}, …); absent = unlimited
 * @param captchaPerMinute SMS captcha templates: per number a minute (the carriers' rule)
 * @param captchaPerHour   … an hour
 * @param captchaPerDay    … a day
 * @param wecomPerMinute   WeCom app messages to one member a minute (WeCom drops the excess silently)
 * @param wecomPerHour     … an hour
 * @param feishuBotPerSecond messages a second to one Feishu custom bot
 */
@ConfigurationProperties("kefu.push.pacing")
public record PacingProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue Map<String, Integer> channelPerSecond,
        @DefaultValue Map<String, Integer> providerPerSecond,
        @DefaultValue("1") int captchaPerMinute,
        @DefaultValue("5") int captchaPerHour,
        @DefaultValue("10") int captchaPerDay,
        @DefaultValue("30") int wecomPerMinute,
        @DefaultValue("1000") int wecomPerHour,
        @DefaultValue("5") int feishuBotPerSecond) {

    static final Map<String, Integer> CHANNEL_DEFAULTS = Map.of("sms", 3000, "email", 500, "app", 3000, "wechat", 2000, "feishu", 500);

    public PacingProperties {
        java.util.Map<String, Integer> merged = new java.util.HashMap<>(CHANNEL_DEFAULTS);
        merged.putAll(channelPerSecond);
        channelPerSecond = Map.copyOf(merged);
        for (Map.Entry<String, Integer> e : channelPerSecond.entrySet()) {
            if (e.getValue() == null || e.getValue() < 1) {
                throw new IllegalArgumentException("kefu.push.pacing.channel-per-second." + e.getKey() + " must be at least 1");
            }
        }
        for (Map.Entry<String, Integer> e : providerPerSecond.entrySet()) {
            if (e.getValue() == null || e.getValue() < 1) {
                throw new IllegalArgumentException("kefu.push.pacing.provider-per-second." + e.getKey() + " must be at least 1");
            }
        }
        if (captchaPerMinute < 1 || captchaPerHour < 1 || captchaPerDay < 1 || wecomPerMinute < 1 || wecomPerHour < 1 || feishuBotPerSecond < 1) {
            throw new IllegalArgumentException("kefu.push.pacing budgets must be at least 1");
        }
    }
}
