package io.kefu.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * For tests whose events go back a while and must all fall on the tenant's today (the business time zone,
 * Asia/Shanghai by default), as "today" figures count them: a run in the first minutes of that day waits
 * until the span fits, instead of failing once a day at 16:00 UTC.
 */
public final class TenantDay {

    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    private TenantDay() {
    }

    /** Now, once at least {@code span} (plus a minute) of the tenant's day has passed. */
    public static Instant nowWithAtLeast(Duration span) {
        ZonedDateTime local = ZonedDateTime.now(ZONE);
        ZonedDateTime ready = local.toLocalDate().atStartOfDay(ZONE).plus(span).plusMinutes(1);
        if (local.isBefore(ready)) {
            long wait = Duration.between(local, ready).toMillis();
            System.out.printf("[tenant-day] %s in %s: waiting %d s so the test's %s fall on one day%n", local.toLocalTime(), ZONE, wait / 1000, span);
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return Instant.now();
    }
}
