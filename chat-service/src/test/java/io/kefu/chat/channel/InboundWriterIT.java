package io.kefu.chat.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.kefu.chat.channel.InboundRows.Received;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;

/** Callbacks arriving together are stored together ({@link InboundWriter}): each once, each answered with its own outcome. */
class InboundWriterIT extends ChannelItSupport {

    @Autowired
    InboundWriter writer;

    @Autowired
    ChannelAccounts accounts;

    @Autowired
    DataSource dataSource;

    @Test
    void callbacksPostedAtOnceAreEachAnsweredStoredOnceAndBecomeMessages() throws Exception {
        Mp mp = newMp();
        int followers = 40;
        List<String> openids = new ArrayList<>();
        List<Long> msgIds = new ArrayList<>();
        for (int i = 0; i < followers; i++) {
            String openid = "o" + hex(27);
            stubCustomer(openid, UUID.randomUUID(), 0);
            openids.add(openid);
            msgIds.add(msgId());
        }
        List<Future<Response>> answers = new ArrayList<>();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 2; round++) { // WeChat's retry of each, racing the first delivery
                for (int i = 0; i < followers; i++) {
                    String xml = mpText(openids.get(i), now(), "一起到的第" + i + "条", msgIds.get(i));
                    answers.add(senders.submit(() -> postMpSafe(mp, xml, now())));
                }
            }
            for (Future<Response> answer : answers) {
                Response response = answer.get(30, TimeUnit.SECONDS);
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("success");
            }
        }

        assertThat(inboundRows(mp.id())).isEqualTo(followers);
        await("every callback became one message", () -> jdbc.queryForObject("select count(*) from message where tenant_id = ?", Long.class,
                mp.tenantId()) == followers);
        for (int i = 0; i < followers; i++) {
            assertThat(message(mp.tenantId(), Long.toString(msgIds.get(i)))).containsEntry("content", "一起到的第" + i + "条")
                    .containsEntry("channel_user_id", openids.get(i));
        }
    }

    @Test
    void aRowTheDatabaseRefusesFailsAloneWhileTheRestOfItsBatchIsStored() throws Exception {
        Mp mp = newMp();
        ChannelAccount account = accounts.findById(mp.id()).orElseThrow();
        String openid = "o" + hex(27);
        stubCustomer(openid, UUID.randomUUID(), 0);
        List<Future<?>> good = new ArrayList<>();
        Future<?> refused;
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor(); Connection holder = dataSource.getConnection()) {
            // Inserts wait for this lock: the first callback's batch waits on it, and the others gather behind it in one batch.
            holder.setAutoCommit(false);
            try (Statement lock = holder.createStatement()) {
                lock.execute("lock table channel_inbound in share mode");
            }
            good.add(senders.submit(() -> writer.accept(account, text(openid, 1))));
            await("the first batch waits for the lock", () -> jdbc.queryForObject(
                    "select count(*) from pg_locks where relation = 'channel_inbound'::regclass and not granted", Long.class) > 0);
            for (int i = 2; i <= 21; i++) {
                Received received = text(openid, i);
                good.add(senders.submit(() -> writer.accept(account, received)));
            }
            good.add(senders.submit(() -> writer.accept(account, text(openid, 2)))); // WeChat's retry, in the same batch
            // PostgreSQL refuses a NUL character in text: the whole statement fails, then this row alone.
            Received nul = new Received("99", "text", null, null, openid, "<xml>\u0000</xml>");
            refused = senders.submit(() -> writer.accept(account, nul));
            await("22 callbacks wait for the next batch", () -> writer.waiting() == 22);
            holder.rollback();

            for (Future<?> one : good) {
                one.get(30, TimeUnit.SECONDS); // answered success: stored, or stored before
            }
            assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(DataAccessException.class);
        }
        List<String> stored = java.util.stream.IntStream.rangeClosed(1, 21).mapToObj(Integer::toString).toList();
        assertThat(jdbc.queryForList("select dedupe_key from channel_inbound where account_id = ? order by dedupe_key::int", String.class,
                mp.id())).containsExactlyElementsOf(stored);
        // Each stored row handed to its lane once, the retry not at all (the 20 were sent at once: in any order).
        await("21 messages", () -> jdbc.queryForObject("select count(*) from message where tenant_id = ?", Long.class, mp.tenantId()) >= 21);
        assertThat(jdbc.queryForList("select channel_msg_id from message where tenant_id = ?", String.class, mp.tenantId()))
                .containsExactlyInAnyOrderElementsOf(stored);
    }

    @Test
    void aFollowersCallbacksStoredInOneBatchBecomeMessagesInTheOrderTheyArrived() throws Exception {
        Mp mp = newMp();
        ChannelAccount account = accounts.findById(mp.id()).orElseThrow();
        String openid = "o" + hex(27);
        stubCustomer(openid, UUID.randomUUID(), 0);
        List<String> arrived = new ArrayList<>();
        List<Future<?>> answers = new ArrayList<>();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor(); Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (Statement lock = holder.createStatement()) {
                lock.execute("lock table channel_inbound in share mode");
            }
            for (int i = 0; i < 20; i++) {
                Received received = text(openid, 1000 + i);
                arrived.add(received.dedupeKey());
                answers.add(senders.submit(() -> writer.accept(account, received)));
                int queued = i;
                // The first waits on the lock in a batch of its own; the rest gather, in this order, behind it.
                await("callback " + i + " waits", () -> queued == 0 ? jdbc.queryForObject(
                        "select count(*) from pg_locks where relation = 'channel_inbound'::regclass and not granted", Long.class) > 0
                        : writer.waiting() == queued);
            }
            holder.rollback();
            for (Future<?> answer : answers) {
                answer.get(30, TimeUnit.SECONDS);
            }
        }

        awaitMessagesInOrder(mp.tenantId(), arrived);
    }

    private static Received text(String openid, int msgId) {
        return new Received(Integer.toString(msgId), "text", null, null, openid, mpText(openid, now(), "第" + msgId + "条", msgId));
    }
}
