package io.kefu.push.receipt;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Stored provider callbacks: one insert when they arrive, claimed under a lease when processed. */
@Component
class Receipts {

    private final JdbcClient jdbc;

    Receipts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Row(long id, String provider, String body, int attempts) {
    }

    void store(String provider, String body, Instant now) {
        jdbc.sql("insert into receipt (provider, body, received_at) values (?, ?, ?)").params(provider, body, Timestamp.from(now)).update();
    }

    /** Unprocessed receipts not leased by another run, leased to this one. */
    List<Row> claim(Instant now, Instant leaseUntil, int limit) {
        return jdbc.sql("""
                with due as (
                    select id from receipt where processed_at is null and (lease_until is null or lease_until < :now) and attempts < 10
                    order by id limit :limit for update skip locked)
                update receipt r set lease_until = :lease, attempts = r.attempts + 1 from due where r.id = due.id
                returning r.id, r.provider, r.body, r.attempts""")
                .param("now", Timestamp.from(now)).param("lease", Timestamp.from(leaseUntil)).param("limit", limit)
                .query((rs, i) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4))).list();
    }

    void done(long id, String outcome, Instant now) {
        jdbc.sql("update receipt set processed_at = ?, outcome = ?, lease_until = null where id = ?")
                .params(Timestamp.from(now), outcome.length() > 200 ? outcome.substring(0, 200) : outcome, id).update();
    }

    int deleteProcessedBefore(Instant before) {
        return jdbc.sql("delete from receipt where processed_at < ?").param(Timestamp.from(before)).update();
    }
}
