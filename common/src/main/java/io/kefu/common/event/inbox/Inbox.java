package io.kefu.common.event.inbox;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;

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

    /** Forgets ids older than the retention; a redelivery after that long is not expected. */
    public int purgeOlderThan(Duration retention) {
        Instant before = clock.instant().minus(retention);
        return jdbc.update("delete from kefu_inbox where received_at < ?", Timestamp.from(before));
    }
}
