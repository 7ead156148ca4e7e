package io.kefu.chat.realtime;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.chat.events.PresenceChanged;
import io.kefu.common.event.EventPublisher;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What chat has announced about each user's presence (table {@code user_presence}), kept in the same
 * transaction as the outbox row of the announcement. {@link Presence} claims transitions in Redis and
 * brings them here, possibly more than once (a retried claim) and possibly late (a slow instance); a
 * transition is announced only when it is newer than the last one recorded and changes what routing
 * was told.
 */
@Component
class PresenceLedger {

    private static final Logger log = LoggerFactory.getLogger(PresenceLedger.class);
    /** Far longer than any claim stays unconfirmed, so an old transition never finds its row gone. */
    static final Duration KEEP_OFFLINE = Duration.ofDays(1);

    /** A user went online (first session) or offline (none left), numbered by Redis. */
    record Transition(UUID userId, long version, boolean online, String userType, @Nullable UUID tenantId, Instant changedAt) {
    }

    private final JdbcTemplate jdbc;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final Clock clock;
    /**
     * Announcements use at most this many pooled connections at once ({@code presence-db-permits}): a wave of
     * them (thousands of sessions connecting, or closing) waits here instead of in the connection pool, where
     * it took every connection from the clients' frames ({@link FrameBudget}) and the consumers.
     */
    private final java.util.concurrent.Semaphore permits;

    PresenceLedger(JdbcTemplate jdbc, EventPublisher events, TransactionTemplate tx, Clock clock,
            io.kefu.common.config.LiveProperties<RealtimeProperties> properties) {
        this.permits = new java.util.concurrent.Semaphore(properties.get().presenceDbPermits(), true); // at start
        this.jdbc = jdbc;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
    }

    /** Publishes {@code chat.presence.changed.v1} for the transition unless it is stale or already announced; true when it did. */
    boolean announce(Transition t) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before announcing the presence of " + t.userId(), e); // the sweep takes it over
        }
        try {
            return record(t);
        } finally {
            permits.release();
        }
    }

    private boolean record(Transition t) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            // A user without a row (first time, or purged) is announced whatever the transition says.
            boolean first = jdbc.update("""
                    insert into user_presence (user_id, online, version, changed_at) values (?, ?, ?, ?)
                    on conflict (user_id) do nothing""", t.userId(), t.online(), t.version(), ts(t.changedAt())) == 1;
            if (!first) {
                // The row lock orders announcements of one user by commit, whichever instance makes them.
                List<Boolean> before = jdbc.queryForList("select online from user_presence where user_id = ? and version < ? for update",
                        Boolean.class, t.userId(), t.version());
                if (before.isEmpty()) {
                    return false; // this transition, or a newer one, is recorded already
                }
                jdbc.update("update user_presence set online = ?, version = ?, changed_at = ? where user_id = ?", t.online(), t.version(),
                        ts(t.changedAt()), t.userId());
                if (before.getFirst() == t.online()) {
                    return false; // e.g. an "online" that was never announced, followed by its "offline"
                }
            }
            events.publish(new PresenceChanged(t.userId(), t.userType(), t.tenantId(), t.online(), t.online() ? 1 : 0, t.changedAt()),
                    t.tenantId() == null ? null : t.tenantId().toString(), t.userId().toString());
            return true;
        }));
    }

    /** Forgets users offline for longer than {@link #KEEP_OFFLINE}; their next transition is announced as a first one. */
    @XxlJob("presence-purge")
    public void purge() {
        int deleted = jdbc.update("""
                delete from user_presence where user_id in (
                  select user_id from user_presence where not online and changed_at < ? limit 10000)""",
                ts(clock.instant().minus(KEEP_OFFLINE)));
        if (deleted > 0) {
            log.info("Forgot the presence of {} users offline for more than {}", deleted, KEEP_OFFLINE);
        }
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }
}
