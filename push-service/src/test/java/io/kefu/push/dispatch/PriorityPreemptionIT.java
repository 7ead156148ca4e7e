package io.kefu.push.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.kefu.push.PushItSupport;
import org.junit.jupiter.api.Test;

/**
 * A priority-9 message sent while a 10,000-message priority-1 batch is being dispatched goes out
 * ahead of the rest of the batch: counted in the order the played Aliyun receives the requests.
 * Also prints the batch figures (accepted, fully dispatched) for the README; nothing is timed as an assertion.
 */
class PriorityPreemptionIT extends PushItSupport {

    static final int BATCH = 10_000;

    @Test
    void anUrgentMessageOvertakesABulkBatch() {
        UUID tenant = UUID.randomUUID();
        String admin = admin(tenant);
        aliyunAnswersOk(WIREMOCK);
        UUID template = template(admin, smsTemplate("bulk-" + UUID.randomUUID()));
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            recipients.add(String.format("1390%07d", i));
        }
        String urgentPhone = "13700000009";

        long t0 = System.nanoTime();
        Response batch = call("POST", "/api/messages/send-batch", Map.of("template_id", template, "recipients", recipients,
                "variables", Map.of("order_no", "bulk", "customer_name", "客户"), "priority", 1), admin);
        long acceptedMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(batch.status()).isEqualTo(202);
        assertThat(batch.body().path("accepted").asInt()).isEqualTo(BATCH);

        await("the batch is being dispatched", Duration.ofMinutes(2), () -> received("1390") >= 300);
        int before = received("1390");
        Response urgent = call("POST", "/api/messages/send", Map.of("template_id", template, "recipient", urgentPhone,
                "variables", Map.of("order_no", "urgent", "customer_name", "VIP"), "priority", 9), admin);
        assertThat(urgent.status()).isEqualTo(202);
        UUID urgentId = UUID.fromString(urgent.body().path("messageId").asString());
        await("the urgent message is sent", Duration.ofMinutes(2), () -> "sent".equals(status(urgentId)));
        List<String> order = order();
        int position = order.indexOf(urgentPhone);
        long stillQueued = jdbc.queryForObject("select count(*) from message where batch_id = ? and status in ('queued', 'scheduled')", Long.class,
                UUID.fromString(batch.body().path("batchId").asString()));
        long urgentLatency = jdbc.queryForObject("select (extract(epoch from sent_at - created_at) * 1000)::bigint from message where id = ?",
                Long.class, urgentId);
        System.out.printf("[bench] batch of %d accepted in %d ms; priority-9 sent %d ms after acceptance; batch messages received before it "
                + "was accepted: %d, before it was sent: %d; still queued when it was sent: %d%n",
                BATCH, acceptedMillis, urgentLatency, before, position, stillQueued);
        // How many batch messages go out meanwhile depends on the machine's speed (printed above); that the
        // urgent one overtook the batch is what holds everywhere: most of the batch was still queued behind it.
        assertThat(position).as("sent while the batch still had far to go").isLessThan(BATCH / 2);
        assertThat(stillQueued).as("most of the batch was still waiting behind it").isGreaterThan(BATCH / 2);

        if (Boolean.getBoolean("kefu.bench")) {
            await("the batch is dispatched", Duration.ofMinutes(30), () -> jdbc.queryForObject(
                    "select count(*) from message where tenant_id = ? and status = 'sent'", Long.class, tenant) == BATCH + 1);
            long dispatchedMillis = (System.nanoTime() - t0) / 1_000_000;
            List<String> all = order();
            System.out.printf("[bench] batch of %d fully dispatched %d ms after it was sent; %d requests, %d distinct recipients%n", BATCH,
                    dispatchedMillis, all.size(), all.stream().distinct().count());
            assertThat(all.stream().distinct().count()).as("no recipient received twice").isEqualTo(all.size());
        } else {
            // The rest of the batch is not needed here: stop it so later tests do not queue behind it. Rows another
            // statement holds (a claim, a publication mark) are skipped, never waited for, so this cannot close a
            // deadlock with a lot being claimed or recorded; the few skipped are simply dispatched.
            jdbc.update("""
                    update message set status = 'failed', failure_reason = 'test stopped'
                    where id in (select id from message where tenant_id = ? and status in ('queued', 'scheduled') order by id
                                 for update skip locked)
                      and status in ('queued', 'scheduled')""", tenant);
        }
        // One snapshot: messages already in flight keep arriving, so two reads of the played provider could differ.
        List<String> seen = order();
        assertThat(seen.stream().distinct().count()).as("no recipient received twice").isEqualTo(seen.size());
    }

    /** Numbers starting with {@code prefix} the played Aliyun received (each number of a batch call counted). */
    private static int received(String prefix) {
        int n = 0;
        for (ServeEvent e : WIREMOCK.getAllServeEvents()) {
            n += (int) aliyunRecipients(e.getRequest().getBodyAsString()).stream().filter(p -> p.startsWith(prefix)).count();
        }
        return n;
    }

    /** This test's numbers in the order their requests arrived (a batch call's in its order). */
    private static List<String> order() {
        List<ServeEvent> events = new ArrayList<>(WIREMOCK.getAllServeEvents());
        java.util.Collections.reverse(events);
        List<String> order = new ArrayList<>();
        for (ServeEvent e : events) {
            for (String phone : aliyunRecipients(e.getRequest().getBodyAsString())) {
                if (phone.startsWith("1390") || phone.equals("13700000009")) {
                    order.add(phone);
                }
            }
        }
        return order;
    }
}
