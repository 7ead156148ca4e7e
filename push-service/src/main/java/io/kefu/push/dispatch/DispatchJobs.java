package io.kefu.push.dispatch;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventPublisher;
import io.kefu.push.events.MessageFailed;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dispatcher's safety nets. Each handler claims its rows with {@code for update skip locked} and
 * changes them in the same statement, so two instances (or a retried tick) split the work and never
 * act on a row twice.
 */
@Component
public class DispatchJobs {

    private static final int BATCH = 2000;

    private final Messages messages;
    private final DispatchQueues queues;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final LiveProperties<DispatchProperties> properties;
    private final Clock clock;

    DispatchJobs(Messages messages, DispatchQueues queues, EventPublisher events, TransactionTemplate tx,
            LiveProperties<DispatchProperties> properties, Clock clock) {
        this.messages = messages;
        this.queues = queues;
        this.events = events;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Retries and held messages whose time has come, and queued ones whose publication was lost (the
     * instance died after commit, or the broker lost them), go (back) onto their dispatch queue.
     */
    @XxlJob("push-dispatch-due")
    public int publishDue() {
        DispatchProperties p = properties.get();
        Instant now = clock.instant();
        int total = 0;
        List<Messages.Queued> due;
        do {
            due = tx.execute(s -> messages.dueForPublish(now, now.minusSeconds(10), now.minus(p.republishAfter()), BATCH));
            queues.publish(due);
            total += due.size();
        } while (due.size() == BATCH);
        XxlJobHelper.log("published " + total);
        return total;
    }

    /** Messages whose lease ran out while sending become unknown (not resent: no provider de-duplicates). */
    @XxlJob("push-lease-expiry")
    public int expireLeases() {
        Instant now = clock.instant();
        Integer expired = tx.execute(s -> {
            List<Messages.Expired> rows = messages.expireLeases(now, BATCH);
            for (Messages.Expired e : rows) {
                events.publish(new MessageFailed(e.id(), e.batchId(), e.templateId(), e.channel().wire(), "-", "unknown",
                        "lease expired while sending; not resent", e.attempts(), now), e.tenantId().toString(), e.id().toString());
            }
            return rows.size();
        });
        XxlJobHelper.log("unknown " + expired);
        return expired == null ? 0 : expired;
    }

    /** Messages and their traces older than the retention (seed: 7 days) are deleted. */
    @XxlJob("push-retention-cleanup")
    public int cleanup() {
        Instant before = clock.instant().minus(properties.get().retention());
        int total = 0;
        int deleted;
        do {
            deleted = messages.deleteOlderThan(before, 5000);
            total += deleted;
        } while (deleted == 5000);
        XxlJobHelper.log("deleted " + total);
        return total;
    }
}
