package io.kefu.routing.queue;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.routing.*}, hot (refresh or Nacos).
 *
 * @param strategy            least-loaded (then longest idle) or longest-idle (then least loaded)
 * @param stickyWindow        a returning customer gets their last agent if they are free, within this window
 * @param skillMatch          prefer agents whose skills cover the conversation's; fall back to anyone in the group
 * @param batchSize           waiting conversations looked at per pass of a queue
 * @param lockWait            how long an instance waits for a queue's lock before leaving the pass to its holder
 * @param averageHandleTime   used for the estimated wait until measured figures exist
 * @param positionNoticeStep  tell a waiting customer again when their place moved by at least this much
 * @param humanKeywords       a customer asking for a person skips the AI
 * @param complaintKeywords   complaints rank above ordinary conversations
 * @param vipPriority         priority of a tenant's VIP customers
 * @param complaintPriority   priority of complaints
 */
@Validated
@ConfigurationProperties("kefu.routing")
public record RoutingProperties(
        @DefaultValue("least-loaded") @Pattern(regexp = "least-loaded|longest-idle") String strategy,
        @DefaultValue("24h") @NotNull Duration stickyWindow,
        @DefaultValue("true") boolean skillMatch,
        @DefaultValue("50") @Min(1) @Max(1000) int batchSize,
        @DefaultValue("2s") @NotNull Duration lockWait,
        @DefaultValue("180s") @NotNull Duration averageHandleTime,
        @DefaultValue("3") @Min(1) int positionNoticeStep,
        @DefaultValue({"转人工", "人工客服", "人工服务", "真人", "找客服"}) @NotEmpty List<String> humanKeywords,
        @DefaultValue({"投诉", "举报", "差评"}) @NotEmpty List<String> complaintKeywords,
        @DefaultValue("8") @Min(0) @Max(10) int vipPriority,
        @DefaultValue("5") @Min(0) @Max(10) int complaintPriority) {

    /** How free agents are ordered after stickiness and skills. */
    public enum Strategy {
        /** fewest open conversations first, then longest idle */
        LEAST_LOADED,
        /** longest since their last assignment first, then fewest open conversations */
        LONGEST_IDLE
    }

    /**
     * {@link #strategy()} as its enum. The key stays a string checked by {@code @Pattern} so that only the
     * documented spellings pass: Boot's lenient enum binding would take {@code least_loaded} as well.
     */
    public Strategy assignmentStrategy() {
        return Strategy.valueOf(strategy.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
}
