package io.kefu.kbai.review;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.kbai.review.*}, hot.
 *
 * @param timeout        a draft nobody sent or rejected within this time goes to the human queue
 * @param claimTtl       how long a reviewer's claim holds; after it another reviewer may take the draft
 * @param windowChannels channels whose customers may be answered only within {@code window} of their last message (WeChat OA: 48 h)
 * @param window         that window
 * @param windowMargin   a draft is escalated this long before its window closes, so a person can still answer
 * @param batchSize      drafts the job handles per run
 * @param zone           the zone of the daily figures when the caller names none
 */
@Validated
@ConfigurationProperties("kefu.kbai.review")
public record ReviewProperties(
        @DefaultValue("10m") @NotNull Duration timeout,
        @DefaultValue("10m") @NotNull Duration claimTtl,
        @DefaultValue("mp") @NotNull List<String> windowChannels,
        @DefaultValue("48h") @NotNull Duration window,
        @DefaultValue("2h") @NotNull Duration windowMargin,
        @DefaultValue("100") @Min(1) @Max(5000) int batchSize,
        @DefaultValue("Asia/Shanghai") @NotNull String zone) {
}
