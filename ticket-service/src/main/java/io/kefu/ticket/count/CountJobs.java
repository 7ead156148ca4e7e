package io.kefu.ticket.count;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import org.springframework.stereotype.Component;

/**
 * Folds the list counts' delta rows (see {@link ListCounts}). Idempotent and safe on several instances: each
 * run claims rows with skip-locked and replaces them by their sum in one statement, so a row is folded once
 * and a sum never changes; a run that finds nothing to fold does nothing.
 */
@Component
class CountJobs {

    private final ListCounts counts;

    CountJobs(ListCounts counts) {
        this.counts = counts;
    }

    /** Every minute: each list count's delta rows folded into one row per key. */
    @XxlJob("ticket-count-fold")
    public int fold() {
        int folded = counts.fold();
        XxlJobHelper.log("delta rows folded away " + folded);
        return folded;
    }
}
