package io.kefu.kbai.review;

import java.time.Clock;
import java.time.Instant;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.kefu.kbai.answer.AnswerRow;
import org.springframework.stereotype.Component;

/**
 * Drafts that must leave the review queue: one whose customer's WeChat window (48 h after their last
 * message, OA) would close within the margin goes to a person now, claimed or not; one nobody reviewed
 * within the (hot) time-out goes too, unless a reviewer's claim still holds. Each exit is conditional on
 * the draft's version ({@link Drafts#escalate}), so two instances, or the job and a reviewer, cannot
 * both act.
 */
@Component
class ReviewJobs {

    private final Drafts drafts;
    private final Reviews reviews;
    private final LiveProperties<ReviewProperties> properties;
    private final Clock clock;

    ReviewJobs(Drafts drafts, Reviews reviews, LiveProperties<ReviewProperties> properties, Clock clock) {
        this.drafts = drafts;
        this.reviews = reviews;
        this.properties = properties;
        this.clock = clock;
    }

    @XxlJob("kb-review-timeout")
    public int escalateOverdueDrafts() {
        ReviewProperties p = properties.get();
        Instant now = clock.instant();
        Instant windowCutoff = now.minus(p.window()).plus(p.windowMargin());
        int escalated = 0;
        for (AnswerRow row : drafts.overdue(now, now.minus(p.timeout()), windowCutoff, p.windowChannels(), p.batchSize())) {
            boolean windowClosing = row.channel() != null && p.windowChannels().contains(row.channel())
                    && row.customerWroteAt().isBefore(windowCutoff);
            escalated += reviews.escalate(row, windowClosing ? "window_closing" : "timed_out") ? 1 : 0;
        }
        XxlJobHelper.log("escalated " + escalated);
        return escalated;
    }
}
