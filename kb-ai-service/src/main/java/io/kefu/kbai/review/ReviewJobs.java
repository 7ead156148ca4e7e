package io.kefu.kbai.review;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.kefu.kbai.answer.AnswerRow;
import io.kefu.kbai.answer.Replies;
import io.kefu.kbai.tenant.TenantRuleBook;
import io.kefu.kbai.tenant.TenantRules;
import org.springframework.stereotype.Component;

/**
 * Drafts that must leave the review queue: one whose customer's WeChat window (48 h after their last
 * message, OA) would close within the margin goes to a person now, claimed or not, business hours or
 * not; one nobody reviewed within the (hot) time-out goes too, unless a reviewer's claim still holds.
 * Each exit is conditional on the draft's version ({@link Drafts#escalate}), so two instances, or the
 * job and a reviewer, cannot both act.
 *
 * <p>The time-out counts while reviewers can work: a draft whose time runs out while the tenant is
 * closed (auth's business hours) is not handed to an empty human queue; its review clock restarts at the
 * next opening ({@link Drafts#deferReview}), so reviewers get the full time-out once they are back. The
 * customer has read the off-hours notice when the draft was made; a window escalation outside the hours
 * hands over with that notice too.
 */
@Component
class ReviewJobs {

    private final Drafts drafts;
    private final Reviews reviews;
    private final Replies replies;
    private final TenantRuleBook tenantRules;
    private final LiveProperties<ReviewProperties> properties;
    private final Clock clock;

    ReviewJobs(Drafts drafts, Reviews reviews, Replies replies, TenantRuleBook tenantRules, LiveProperties<ReviewProperties> properties,
            Clock clock) {
        this.drafts = drafts;
        this.reviews = reviews;
        this.replies = replies;
        this.tenantRules = tenantRules;
        this.properties = properties;
        this.clock = clock;
    }

    @XxlJob("kb-review-timeout")
    public int escalateOverdueDrafts() {
        ReviewProperties p = properties.get();
        Instant now = clock.instant();
        Instant windowCutoff = now.minus(p.window()).plus(p.windowMargin());
        Map<UUID, TenantRules> rules = new HashMap<>();
        int escalated = 0;
        int deferred = 0;
        for (AnswerRow row : drafts.overdue(now, now.minus(p.timeout()), windowCutoff, p.windowChannels(), p.batchSize())) {
            TenantRules tenant = rules.computeIfAbsent(row.tenantId(), tenantRules::of);
            boolean windowClosing = row.channel() != null && p.windowChannels().contains(row.channel())
                    && row.customerWroteAt().isBefore(windowCutoff);
            if (!windowClosing) {
                Instant back = replies.reviewersBackAt(tenant, now);
                if (back.isAfter(now)) {
                    deferred += drafts.deferReview(row.id(), back) ? 1 : 0;
                    continue;
                }
            }
            escalated += reviews.escalate(row, windowClosing ? "window_closing" : "timed_out", replies.offHoursNotice(tenant, now)) ? 1 : 0;
        }
        XxlJobHelper.log("escalated " + escalated + ", deferred to the opening " + deferred);
        return escalated;
    }
}
