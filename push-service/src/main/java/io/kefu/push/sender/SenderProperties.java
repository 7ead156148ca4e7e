package io.kefu.push.sender;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kefu.push.senders.*}, hot: the providers' accounts and hosts. An account left empty makes its
 * channel "unconfigured": messages to it fail at once with that reason in their trace.
 *
 * @param smsDefaultProvider the SMS provider of templates that do not choose one ({@code aliyun} or {@code tencent})
 * @param allowPrivateUrls   let webhook URLs reach http and private/loopback addresses (tests only; never in production)
 * @param timeout            connect and read time-out of every provider call
 */
@ConfigurationProperties("kefu.push.senders")
public record SenderProperties(
        @DefaultValue("aliyun") String smsDefaultProvider,
        @DefaultValue("false") boolean allowPrivateUrls,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue Aliyun aliyun,
        @DefaultValue Tencent tencent,
        @DefaultValue Email email,
        @DefaultValue JPush jpush,
        @DefaultValue Feishu feishu,
        @DefaultValue Wechat wechat) {

    public SenderProperties {
        if (!smsDefaultProvider.equals("aliyun") && !smsDefaultProvider.equals("tencent")) {
            throw new IllegalArgumentException("kefu.push.senders.sms-default-provider is aliyun or tencent");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("kefu.push.senders.timeout is between 0 and 1 minute");
        }
    }

    /** Aliyun SMS (dysmsapi, RPC style, signature v1 HMAC-SHA1). */
    public record Aliyun(@DefaultValue("https://dysmsapi.aliyuncs.com") String baseUrl, @DefaultValue("") String accessKeyId,
            @DefaultValue("") String accessKeySecret, @DefaultValue("cn-hangzhou") String regionId) {
        boolean configured() {
            return !accessKeyId.isBlank() && !accessKeySecret.isBlank();
        }
    }

    /** Tencent Cloud SMS (API 3.0, TC3-HMAC-SHA256). */
    public record Tencent(@DefaultValue("https://sms.tencentcloudapi.com") String baseUrl, @DefaultValue("") String secretId,
            @DefaultValue("") String secretKey, @DefaultValue("") String sdkAppId, @DefaultValue("ap-guangzhou") String region) {
        boolean configured() {
            return !secretId.isBlank() && !secretKey.isBlank() && !sdkAppId.isBlank();
        }
    }

    /** Email through Spring's mail sender ({@code spring.mail.host} etc.); {@code from} is the sender address. */
    public record Email(@DefaultValue("") String from) {
    }

    /** JPush REST API v3 (device registration ids, or aliases = our user ids). */
    public record JPush(@DefaultValue("https://api.jpush.cn") String baseUrl, @DefaultValue("") String appKey,
            @DefaultValue("") String masterSecret, @DefaultValue("false") boolean production) {
        boolean configured() {
            return !appKey.isBlank() && !masterSecret.isBlank();
        }
    }

    /**
     * Feishu: custom bots (the recipient is the bot's webhook URL; its signing secret, if the bot has one,
     * keyed by the webhook's last path segment in {@code botSecrets}) and app messages (app id/secret).
     */
    public record Feishu(@DefaultValue("https://open.feishu.cn") String baseUrl, @DefaultValue("") String appId,
            @DefaultValue("") String appSecret, @DefaultValue Map<String, String> botSecrets) {
        boolean appConfigured() {
            return !appId.isBlank() && !appSecret.isBlank();
        }
    }

    /**
     * WeChat: the accounts push sends from (mini-program, Official Account, WeCom app) and WeChat's hosts.
     * Access tokens are not fetched here: push reads the one chat-service keeps in Redis (see README).
     */
    public record Wechat(@DefaultValue("https://api.weixin.qq.com") String apiBaseUrl,
            @DefaultValue("https://qyapi.weixin.qq.com") String wecomBaseUrl, @DefaultValue("") String miniappId,
            @DefaultValue("") String miniappSecret,
            @DefaultValue("") String mpAppId, @DefaultValue("") String wecomCorpId, @DefaultValue("0") int wecomAgentId,
            @DefaultValue("kefu:chat:wx") String mpTokenPrefix, @DefaultValue("kefu:chat:wecom") String wecomTokenPrefix) {
    }
}
