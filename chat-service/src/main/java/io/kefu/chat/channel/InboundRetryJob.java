package io.kefu.chat.channel;

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
        List<UUID> overdue = rows.overdue(p.retryDelay(), p.retryBatch());
        if (!overdue.isEmpty()) {
            log.info("Reprocessing {} stored callbacks still pending after {}", overdue.size(), p.retryDelay());
        }
        overdue.forEach(processor::process);
        int purged = rows.purgeSettled(clock.instant().minus(p.inboundRetention()), 1000);
        if (purged > 0) {
            log.info("Deleted {} settled callbacks older than {}", purged, p.inboundRetention());
        }
    }
}
