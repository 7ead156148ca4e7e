package io.kefu.chat.conversation;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.chat.conversation.*}, hot: a refresh (or Nacos) changes them without a restart.
 *
 * @param sendRatePermits messages one sender may send per {@code sendRatePeriod} (seed: rate_limit("send_message"))
 * @param sendRatePeriod  the window of the per-sender limit
 * @param historyMaxPage  the largest history page a client may ask for
 */
@Validated
@ConfigurationProperties("kefu.chat.conversation")
public record ConversationProperties(
        @DefaultValue("20") @Min(1) @Max(10_000) int sendRatePermits,
        @DefaultValue("10s") @NotNull Duration sendRatePeriod,
        @DefaultValue("100") @Min(1) @Max(500) int historyMaxPage) {
}
