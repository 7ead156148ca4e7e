package io.kefu.stats.rollup;

import java.time.LocalDate;
import java.util.UUID;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.stats.metric.Tenants;
import org.springframework.stereotype.Component;

/**
 * The daily jobs. {@code stats-daily-close} closes every past day (tenant time zone) that has
 * measurements and is not closed yet, including days a late event reopened; closing a day replaces
 * its rollups, so two instances or a retried tick write the same rows. {@code stats-retention-cleanup}
 * deletes what is past the retention; deleting twice deletes nothing more.
 */
@Component
class RollupJobs {

    /** How far back the close looks for days not closed (a job parameter overrides it). */
    static final int DEFAULT_LOOKBACK_DAYS = 35;

    private final Rollups rollups;
    private final Tenants tenants;

    RollupJobs(Rollups rollups, Tenants tenants) {
        this.rollups = rollups;
        this.tenants = tenants;
    }

    @XxlJob("stats-daily-close")
    public int dailyClose() {
        int lookback = DEFAULT_LOOKBACK_DAYS;
        String param = XxlJobHelper.getJobParam();
        if (param != null && param.matches("\\d{1,4}")) {
            lookback = Integer.parseInt(param);
        }
        int closed = 0;
        for (UUID tenant : tenants.all()) {
            for (LocalDate day : rollups.daysToClose(tenant, lookback)) {
                rollups.closeDay(tenant, day);
                closed++;
            }
        }
        XxlJobHelper.log("closed " + closed + " tenant-days");
        return closed;
    }

    @XxlJob("stats-retention-cleanup")
    public long retentionCleanup() {
        long deleted = rollups.cleanUp();
        XxlJobHelper.log("deleted " + deleted + " rows");
        return deleted;
    }
}
