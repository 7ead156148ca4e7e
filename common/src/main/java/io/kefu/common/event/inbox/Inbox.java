package io.kefu.common.event.inbox;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.kefu.common.event.EventEnvelope;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The idempotent-consumer half of the event machinery: the event id is recorded in
 * {@code kefu_inbox} in the same transaction as the consumer's effect. A redelivered event finds
 * its id already there and has no second effect; an effect that fails rolls the id back with it,
 * so the retry runs it again.
 */
public class Inbox {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    public Inbox(JdbcTemplate jdbc, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Runs {@code effect} unless {@code consumer} already processed this event.
     *
     * @return true if the effect ran and committed, false for a duplicate
     */
    public boolean processOnce(String consumer, EventEnvelope event, Runnable effect) {
        Boolean ran = tx.execute(status -> {
            int inserted = jdbc.update("""
                    insert into kefu_inbox (consumer, event_id, event_type, received_at) values (?, ?, ?, ?)
                    on conflict (consumer, event_id) do nothing""",
                    consumer, event.id(), event.type(), Timestamp.from(clock.instant()));
            if (inserted == 0) {
                return false;
            }
            effect.run();
            return true;
        });
        return Boolean.TRUE.equals(ran);
    }

    /** The effect of one event of a batch. */
    @FunctionalInterface
    public interface Effect {
        void run(EventEnvelope event);
    }

    /** An event of a batch whose effect refused it ({@link io.kefu.common.event.MalformedEventException}): it left no trace. */
    public record Refused(EventEnvelope event, RuntimeException failure) {
    }

    /**
     * The batch form of {@link #processOnce}: one transaction for the whole batch. The ids are recorded with one
     * multi-row insert (in id order, so two batches sharing a redelivered id wait for each other rather than
     * deadlock), then each event this consumer had not processed runs, in the batch's order. An effect that throws
     * {@link io.kefu.common.event.MalformedEventException} leaves no trace (not even its id) and is returned so that
     * the caller dead-letters it; any other failure rolls the whole batch back (nothing of it committed, so a retry of
     * the batch runs it all again). Effects must therefore act only inside the transaction (or after its commit).
     *
     * <p>A batch first runs without savepoints (a savepoint is a round trip per event, as much as the effect itself
     * for a light one). Should an effect refuse its event, that transaction is rolled back and the batch runs again,
     * each event under its own savepoint, so the refused one is rolled back alone: forged events cost their batch a
     * second run, never more.
     *
     * @return the refused events; the others ran and committed, or were duplicates
     */
    public List<Refused> processBatch(String consumer, List<EventEnvelope> events, Effect effect) {
        if (events.isEmpty()) {
            return List.of();
        }
        try {
            List<Refused> none = tx.execute(status -> runBatch(consumer, events, effect, false));
            return none == null ? List.of() : none;
        } catch (RefusedInOneGo refusal) {
            List<Refused> refused = tx.execute(status -> runBatch(consumer, events, effect, true));
            return refused == null ? List.of() : refused;
        }
    }

    /** The first run of a batch met a refused event: it is rolled back and run again with savepoints. */
    private static final class RefusedInOneGo extends RuntimeException {

        RefusedInOneGo(RuntimeException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private List<Refused> runBatch(String consumer, List<EventEnvelope> events, Effect effect, boolean savepoints) {
        Timestamp now = Timestamp.from(clock.instant());
        List<EventEnvelope> sorted = events.stream().sorted(java.util.Comparator.comparing(EventEnvelope::id)).toList();
        StringBuilder sql = new StringBuilder("insert into kefu_inbox (consumer, event_id, event_type, received_at) values ");
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            sql.append(i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)");
            args.addAll(List.of(consumer, sorted.get(i).id(), sorted.get(i).type(), now));
        }
        sql.append(" on conflict (consumer, event_id) do nothing returning event_id");
        Set<String> fresh = new HashSet<>(jdbc.queryForList(sql.toString(), String.class, args.toArray()));
        List<Refused> out = new ArrayList<>();
        boolean open = false;
        for (EventEnvelope event : events) {
            if (!fresh.remove(event.id())) {
                continue; // processed before, or twice in this batch
            }
            if (!savepoints) {
                try {
                    effect.run(event);
                } catch (io.kefu.common.event.MalformedEventException e) {
                    throw new RefusedInOneGo(e);
                }
                continue;
            }
            // SQL savepoints on the transaction's connection: they need no nested-transaction support of the manager (JPA's has
            // none). The previous event's is released in the same round trip (one per event, not two); the commit releases the last.
            jdbc.execute(open ? "release savepoint kefu_inbox_event; savepoint kefu_inbox_event" : "savepoint kefu_inbox_event");
            open = true;
            try {
                effect.run(event);
            } catch (io.kefu.common.event.MalformedEventException e) {
                jdbc.execute("rollback to savepoint kefu_inbox_event");
                jdbc.update("delete from kefu_inbox where consumer = ? and event_id = ?", consumer, event.id());
                out.add(new Refused(event, e));
            }
        }
        return out;
    }

    /** Forgets ids older than the retention; a redelivery after that long is not expected. */
    public int purgeOlderThan(Duration retention) {
        Instant before = clock.instant().minus(retention);
        return jdbc.update("delete from kefu_inbox where received_at < ?", Timestamp.from(before));
    }
}
