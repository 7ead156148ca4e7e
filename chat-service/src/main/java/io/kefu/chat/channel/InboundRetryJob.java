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
 */
@Component
class InboundRetryJob {

    private static final Logger log = LoggerFactory.getLogger(InboundRetryJob.class);

    private final InboundRows rows;
    private final InboundProcessor processor;
    private final LiveProperties<ChannelProperties> properties;

    InboundRetryJob(InboundRows rows, InboundProcessor processor, LiveProperties<ChannelProperties> properties) {
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
    }
}
