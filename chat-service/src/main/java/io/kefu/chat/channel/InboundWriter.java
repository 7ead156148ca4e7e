package io.kefu.chat.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kefu.chat.channel.InboundRows.NewRow;
import io.kefu.chat.channel.InboundRows.Received;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.stereotype.Component;

/**
 * Group commit of accepted callbacks. WeChat is answered once a callback's row is durable, as before, but the
 * callbacks that arrive while one batch commits are stored together by the next: one statement, one commit and one
 * pooled connection for all of them. Stored one at a time, 500 callbacks a second each held a connection of chat's
 * pool for its own commit; the pool ran dry, and callbacks were answered 503 while their processing waited too
 * (deploy README, "Official Account callbacks"). Batches are written one after the other, so rows are stored, and
 * handed to their lanes, in the order they arrived.
 */
@Component
class InboundWriter {

    private static final Logger log = LoggerFactory.getLogger(InboundWriter.class);
    /** Rows per statement: ~1 KB of XML each. More waiting than this goes in the next batch, right after. */
    static final int MAX_BATCH = 200;
    /** Callbacks waiting to be stored; beyond it a callback is refused (503) and WeChat sends it again. */
    static final int MAX_WAITING = 10_000;
    /** A callback waits at most this long for its batch (WeChat itself gives up after 5 s). */
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    /** A callback waiting for its batch; {@code stored} is true once committed, false for a MsgId stored before. */
    private record Pending(NewRow row, CompletableFuture<Boolean> stored) {
    }

    private final InboundRows rows;
    private final InboundProcessor processor;
    private final LinkedBlockingQueue<Pending> waiting = new LinkedBlockingQueue<>(MAX_WAITING);
    private final Thread writer;
    private volatile boolean running = true;

    InboundWriter(InboundRows rows, InboundProcessor processor) {
        this.rows = rows;
        this.processor = processor;
        this.writer = Thread.ofVirtual().name("channel-inbound-writer").start(this::run);
    }

    /**
     * Stores an accepted callback, with the others waiting, unless WeChat sent it before, and hands it to its
     * follower's processing lane, claimed, if the lane has room (else the job processes it). Returns once the row is
     * committed; throws what storing it threw. The writer hands rows to their lanes in the order they arrived, before
     * their callers wake: a follower's two messages stored in one batch are processed in that order, whichever
     * caller's thread runs first.
     */
    void accept(ChannelAccount account, Received received) {
        Pending pending = new Pending(rows.newRow(account, received, processor.leaseIfRoom(account.id(), received.fromUser())),
                new CompletableFuture<>());
        if (!running || !waiting.offer(pending)) {
            throw new KefuProblemException(ProblemType.UNAVAILABLE, "Too many callbacks are waiting to be stored; send it again shortly");
        }
        try {
            pending.stored().get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure; // as if stored alone: the problem handler answers it as before (503 without a connection...)
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new KefuProblemException(ProblemType.UNAVAILABLE, "The callback could not be stored in time; send it again shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KefuProblemException(ProblemType.UNAVAILABLE, "The service is stopping; send the callback again shortly");
        }
    }

    /** Callbacks waiting for their batch (tests see a batch form). */
    int waiting() {
        return waiting.size();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running) {
            try {
                Pending first = waiting.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | Error e) {
                // write() settles every row; this is a defect, and the rows are answered with it rather than left waiting.
                log.error("Storing {} callbacks failed", batch.size(), e);
                batch.forEach(p -> p.stored().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        refuseWaiting();
    }

    /** Writes the batch in one statement; if the statement is refused, row by row, so one bad row fails alone. */
    private void write(List<Pending> batch) {
        try {
            Set<UUID> stored = rows.insertAll(batch.stream().map(Pending::row).toList());
            batch.forEach(p -> settle(p, stored.contains(p.row().row().id())));
        } catch (DataAccessResourceFailureException | TransientDataAccessResourceException | RecoverableDataAccessException
                | QueryTimeoutException e) {
            // No connection, or the database went away: one at a time would not do better, and each would wait as long.
            batch.forEach(p -> p.stored().completeExceptionally(e));
        } catch (RuntimeException e) {
            if (batch.size() > 1) {
                log.warn("A batch of {} callbacks was refused ({}); storing them one at a time", batch.size(), e.toString());
            }
            for (Pending p : batch) {
                boolean stored;
                try {
                    stored = rows.insert(p.row());
                } catch (RuntimeException one) {
                    p.stored().completeExceptionally(one);
                    continue;
                }
                settle(p, stored);
            }
        }
    }

    /** A row's outcome: into its lane if it was stored now (and claimed), then its caller answered. */
    private void settle(Pending p, boolean stored) {
        if (stored) {
            try {
                processor.processLater(p.row().row());
            } catch (RuntimeException e) {
                // The claim could not be given back (no database): its lease runs out and the job takes the row.
                log.warn("Stored callback {} not handed to its lane: {}", p.row().row().id(), e.toString());
            }
        }
        p.stored().complete(stored);
    }

    private void refuseWaiting() {
        List<Pending> left = new ArrayList<>();
        waiting.drainTo(left);
        KefuProblemException stopping = new KefuProblemException(ProblemType.UNAVAILABLE, "The service is stopping; send the callback again shortly");
        left.forEach(p -> p.stored().completeExceptionally(stopping));
    }

    /** After the web server's graceful shutdown: what is still waiting is refused, and WeChat sends it again. */
    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        writer.join(Duration.ofSeconds(10));
        refuseWaiting();
    }
}
