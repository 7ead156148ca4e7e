package io.kefu.push.receipt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.event.EventPublisher;
import io.kefu.push.dispatch.Messages;
import io.kefu.push.events.MessageDelivered;
import io.kefu.push.template.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies stored receipts to their messages (sent → delivered, or failed with the carrier's reason).
 * Receipts are claimed under a lease with skip locked, so instances split them and a crashed run's
 * receipts are taken up again when the lease ends; applying one twice changes nothing (the update is
 * conditional on the message still being sent).
 */
@Component
public class ReceiptJobs {

    private static final Logger log = LoggerFactory.getLogger(ReceiptJobs.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Receipts receipts;
    private final Messages messages;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final Clock clock;

    ReceiptJobs(Receipts receipts, Messages messages, EventPublisher events, TransactionTemplate tx, Clock clock) {
        this.receipts = receipts;
        this.messages = messages;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
    }

    @XxlJob("push-receipt-processing")
    public int process() {
        Instant now = clock.instant();
        List<Receipts.Row> rows = tx.execute(s -> receipts.claim(now, now.plus(Duration.ofMinutes(2)), 500));
        int applied = 0;
        for (Receipts.Row row : rows) {
            try {
                Integer n = tx.execute(s -> {
                    int count = apply(row);
                    receipts.done(row.id(), "applied " + count, clock.instant());
                    return count;
                });
                applied += n == null ? 0 : n;
            } catch (RuntimeException e) {
                log.warn("receipt {} from {} not applied: {}", row.id(), row.provider(), e.toString());
                tx.executeWithoutResult(s -> receipts.done(row.id(), "unreadable: " + e.getMessage(), clock.instant()));
            }
        }
        XxlJobHelper.log("applied " + applied);
        return applied;
    }

    /** Receipts of both providers are JSON arrays of reports. */
    private int apply(Receipts.Row row) {
        JsonNode body = JSON.readTree(row.body());
        int count = 0;
        for (JsonNode report : body.isArray() ? body : JSON.createArrayNode().add(body)) {
            String providerId;
            String phone = "";
            boolean delivered;
            String detail;
            if (row.provider().equals("aliyun")) {
                providerId = report.path("biz_id").asString("");
                // a SendBatchSms call has one BizId for all its numbers: the number tells its messages apart
                phone = io.kefu.push.sender.RecipientRules.mainland(report.path("phone_number").asString(""));
                delivered = report.path("success").asBoolean(false);
                detail = report.path("err_code").asString("") + " " + report.path("err_msg").asString("");
            } else {
                providerId = report.path("sid").asString("");
                delivered = "SUCCESS".equals(report.path("report_status").asString(""));
                detail = report.path("errmsg").asString("") + " " + report.path("description").asString("");
            }
            if (providerId.isEmpty()) {
                continue;
            }
            Instant at = clock.instant();
            java.util.Optional<Messages.Receipted> id = messages.receipt(Channel.SMS, providerId, phone, delivered, detail.strip(), at);
            if (id.isPresent()) {
                events.publish(new MessageDelivered(id.get().messageId(), "sms", delivered, detail.strip(), at), id.get().tenantId().toString(),
                        id.get().messageId().toString());
                count++;
            }
        }
        return count;
    }
}
