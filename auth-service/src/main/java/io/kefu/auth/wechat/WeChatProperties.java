package io.kefu.auth.wechat;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How auth-service reaches WeChat's API (jscode2session).
 *
 * @param apiBaseUrl     WeChat's API host; WireMock in tests ({@code WECHAT_API_BASE_URL})
 * @param connectTimeout TCP connect timeout
 * @param readTimeout    socket read timeout: a slow WeChat becomes 503 wechat-unavailable, not a hung login
 * @param maxRetries     extra tries, 300 ms apart, when WeChat answers -1 (system busy)
 */
@ConfigurationProperties("kefu.auth.wechat")
public record WeChatProperties(
        @DefaultValue("https://api.weixin.qq.com") String apiBaseUrl,
        @DefaultValue("3s") Duration connectTimeout,
        @DefaultValue("5s") Duration readTimeout,
        @DefaultValue("1") int maxRetries) {
}
