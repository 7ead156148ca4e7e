package io.kefu.stats.alert;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Incidents: opened once while a rule holds (a unique index on the open ones), closed when it no
 * longer does; each is notified once. Notification is claimed (state sending, with a lease) and
 * committed before the webhook is called, and its outcome recorded after: a webhook is never called
 * inside a transaction. A claim whose lease expired is marked unknown (a bot message cannot be
 * de-duplicated, so it is not sent again).
 */
@Component
class Incidents {

    record Incident(UUID id, @Nullable UUID tenantId, String rule, String subject, String detail, Instant openedAt, int attempts) {
    }

    private final JdbcClient jdbc;

    Incidents(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Opens the incident unless one is open for the same rule and subject; true when opened now. */
    boolean open(UUID id, @Nullable UUID tenant, String rule, String subject, String detail, Instant now) {
        return jdbc.sql("""
                insert into alert_incident (id, tenant_id, rule, subject, detail, opened_at) values (?, ?, ?, ?, ?, ?)
                on conflict (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), rule, subject) where closed_at is null do nothing""")
                .params(id, tenant, rule, subject, detail, Timestamp.from(now)).update() > 0;
    }

    /** Closes open incidents of a rule whose subject no longer holds. */
    int closeAllBut(String rule, List<String> stillHolding, Instant now) {
        return jdbc.sql("update alert_incident set closed_at = :now where rule = :rule and closed_at is null"
                + (stillHolding.isEmpty() ? "" : " and (coalesce(tenant_id::text, '') || '|' || subject) not in (:holding)"))
                .param("now", Timestamp.from(now)).param("rule", rule).param("holding", stillHolding.isEmpty() ? List.of("") : stillHolding).update();
    }

    static String key(@Nullable UUID tenant, String subject) {
        return (tenant == null ? "" : tenant.toString()) + "|" + subject;
    }

    /** Claims up to {@code limit} incidents to notify: committed before anyone calls a webhook. */
    List<Incident> claim(int limit, Instant now) {
        return jdbc.sql("""
                update alert_incident set notify_state = 'sending', claimed_at = :now, attempts = attempts + 1
                where id in (select id from alert_incident where notify_state = 'pending' order by opened_at limit :limit for update skip locked)
                returning id, tenant_id, rule, subject, detail, opened_at, attempts""")
                .param("now", Timestamp.from(now)).param("limit", limit)
                .query((rs, i) -> new Incident(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getInt(7)))
                .list();
    }

    void sent(UUID id, Instant now) {
        jdbc.sql("update alert_incident set notify_state = 'sent', notified_at = ? where id = ? and notify_state = 'sending'")
                .params(Timestamp.from(now), id).update();
    }

    void failed(UUID id, int attempts, int maxAttempts) {
        jdbc.sql("update alert_incident set notify_state = ? where id = ? and notify_state = 'sending'")
                .params(attempts >= maxAttempts ? "failed" : "pending", id).update();
    }

    /** Claims older than the lease: the process died between claiming and recording; the bot may or may not have the message. */
    int expireClaims(Duration lease, Instant now) {
        return jdbc.sql("update alert_incident set notify_state = 'unknown' where notify_state = 'sending' and claimed_at < ?")
                .param(Timestamp.from(now.minus(lease))).update();
    }

    record Waiting(UUID tenantId, Instant since) {
    }

    List<Waiting> longestWaits() {
        return jdbc.sql("""
                select tenant_id, min(queued_at) from conversation
                where queued_at is not null and assigned_at is null and ended_at is null group by tenant_id""")
                .query((rs, i) -> new Waiting(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant())).list();
    }

    record PushRate(UUID tenantId, long sent, long good) {
    }

    List<PushRate> pushRates(Instant since) {
        return jdbc.sql("select tenant_id, count(*), count(*) filter (where good) from measurement where metric = 'push.sent' and at >= ? group by tenant_id")
                .param(Timestamp.from(since))
                .query((rs, i) -> new PushRate(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3))).list();
    }
}
