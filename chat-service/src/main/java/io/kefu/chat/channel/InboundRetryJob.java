package io.kefu.chat.channel;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Picks up callbacks that were stored but not processed: the instance died after answering WeChat,
 * or auth-service was down. Processing is idempotent (acceptInbound dedupes on the channel id).
 * It also deletes settled callbacks past their retention.
 */
@Component
class InboundRetryJob {

    private static final Logger log = LoggerFactory.getLogger(InboundRetryJob.class);

    /** One run hands rows to the lanes for at most this long (the job runs every minute). */
    private static final Duration RUN_BUDGET = Duration.ofSeconds(20);

    private final InboundRows rows;
    private final InboundProcessor processor;
    private final LiveProperties<ChannelProperties> properties;
    private final java.time.Clock clock;

    InboundRetryJob(InboundRows rows, InboundProcessor processor, LiveProperties<ChannelProperties> properties, java.time.Clock clock) {
        this.clock = clock;
        this.rows = rows;
        this.processor = processor;
        this.properties = properties;
    }

    @XxlJob("channel-inbound-retry")
    public void retryPending() {
        ChannelProperties p = properties.get();
        // Batch after batch into the lanes, until none is overdue, the lanes are full or the run's time is up: a
        // backlog (the lanes overflowed under a burst, an instance died holding thousands) drains at the lanes' pace,
        // not one batch a run.
        long until = System.nanoTime() + RUN_BUDGET.toNanos();
        int handed = 0;
        boolean room = true;
        List<UUID> overdue;
        do {
            overdue = rows.overdue(p.retryDelay(), p.retryBatch());
            for (UUID id : overdue) {
                room = processor.processInLane(id);
                if (!room) {
                    break;
                }
                handed++;
            }
        } while (room && overdue.size() == p.retryBatch() && System.nanoTime() < until);
        if (handed > 0) {
            log.info("Reprocessing {} stored callbacks still pending after {}{}", handed, p.retryDelay(), room ? "" : " (the lanes are full)");
        }
        int purged = rows.purgeSettled(clock.instant().minus(p.inboundRetention()), 1000);
        if (purged > 0) {
            log.info("Deleted {} settled callbacks older than {}", purged, p.inboundRetention());
        }
    }
}
