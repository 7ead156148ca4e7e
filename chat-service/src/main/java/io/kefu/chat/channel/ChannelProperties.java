package io.kefu.chat.channel;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.chat.channel.*}, hot (re-read on refresh; API clients are rebuilt when a base URL changes).
 *
 * @param wechatApiBaseUrl    Official Account API host ({@code WECHAT_API_BASE_URL}); a local server can play WeChat
 * @param wecomApiBaseUrl     WeCom API host ({@code WECOM_API_BASE_URL})
 * @param timestampWindow     callbacks whose timestamp is further from now are refused as replays
 * @param maxBody             largest callback body accepted (WeChat's own are a few KB)
 * @param retryDelay          a stored callback still pending after this long is processed again by the job
 * @param retryBatch          rows one job run reprocesses
 * @param maxAttempts         processing attempts before a row is given up (status failed, logged)
 * @param processingLease     how long one processor owns a row before another may take it
 * @param qrSourceWindow      a follower's message within this time after a QR scan counts as source qr_code
 * @param wechatMaxRetries    WxJava's own retries of a busy (-1) answer; the event consumer retries as well
 * @param wecomPerMinute      WeCom app messages to one member per minute (WeCom drops the excess silently)
 * @param wecomPerHour        the same per hour
 * @param inboundRetention    settled callbacks older than this are deleted by the retry job (the raw XML is personal data)
 * @param accountCacheTtl     how long an instance reuses an account and its opened secrets for callbacks and deliveries; a change
 *                            through the admin API applies at once on the instance that made it, on the others within this
 *                            ({@code 0s}: read the account every time)
 * @param processingLanes     callbacks processed at once per instance; a follower's callbacks always take the same lane, in order
 *                            (read at start)
 * @param laneQueue           callbacks waiting per lane; beyond it a stored callback waits for the retry job (read at start)
 */
@Validated
@ConfigurationProperties("kefu.chat.channel")
public record ChannelProperties(
        @DefaultValue("https://api.weixin.qq.com") @NotBlank String wechatApiBaseUrl,
        @DefaultValue("https://qyapi.weixin.qq.com") @NotBlank String wecomApiBaseUrl,
        @DefaultValue("300s") @NotNull Duration timestampWindow,
        @DefaultValue("64KB") @NotNull DataSize maxBody,
        @DefaultValue("60s") @NotNull Duration retryDelay,
        @DefaultValue("100") @Min(1) @Max(10_000) int retryBatch,
        @DefaultValue("100") @Min(1) int maxAttempts,
        @DefaultValue("60s") @NotNull Duration processingLease,
        @DefaultValue("30m") @NotNull Duration qrSourceWindow,
        @DefaultValue("1") @Min(0) @Max(5) int wechatMaxRetries,
        @DefaultValue("30") @Min(1) int wecomPerMinute,
        @DefaultValue("1000") @Min(1) int wecomPerHour,
        @DefaultValue("30d") @NotNull Duration inboundRetention,
        @DefaultValue("5s") @NotNull Duration accountCacheTtl,
        @DefaultValue("4") @Min(1) @Max(64) int processingLanes,
        @DefaultValue("2000") @Min(1) @Max(100_000) int laneQueue) {

    public ChannelProperties {
        if (timestampWindow.isNegative() || timestampWindow.isZero()) {
            throw new IllegalArgumentException("kefu.chat.channel.timestamp-window must be positive");
        }
        if (inboundRetention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("kefu.chat.channel.inbound-retention must be at least 1d: it is also the dedupe memory");
        }
        if (accountCacheTtl.isNegative() || accountCacheTtl.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("kefu.chat.channel.account-cache-ttl must be between 0s and 5m: a disabled account stays open that long");
        }
        if (maxBody.toBytes() < 1024 || maxBody.toBytes() > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("kefu.chat.channel.max-body must be between 1KB and 16MB");
        }
    }
}
