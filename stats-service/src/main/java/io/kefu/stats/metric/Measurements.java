package io.kefu.stats.metric;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The measurement table: written by the fact stores, read by {@link Figures} for days not yet
 * closed and by the rollups when a day closes. A change that lands in a closed day reopens that day,
 * so its rollups are recomputed at the next close and never silently disagree with the measurements.
 */
@Component
public class Measurements {

    private final JdbcClient jdbc;
    private final LiveProperties<StatsProperties> properties;
    private final ApplicationEventPublisher spring;

    Measurements(JdbcClient jdbc, LiveProperties<StatsProperties> properties, ApplicationEventPublisher spring) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.spring = spring;
    }

    void replaceConversation(UUID tenant, UUID conversation, List<Measure> measures) {
        Set<Instant> touched = new HashSet<>(jdbc.sql("delete from measurement where conversation_id = :c and metric in (:metrics) returning at")
                .param("c", conversation).param("metrics", Metric.PER_CONVERSATION).query((rs, i) -> rs.getTimestamp(1).toInstant()).list());
        for (Measure m : measures) {
            insert(tenant, m, false);
            touched.add(m.at());
        }
        reopenDays(tenant, touched);
    }

    /**
     * Replaces the observations of these metrics under one key (a ticket, a push message) by those re-derived
     * from its current facts: redelivered or reordered events give the same rows.
     */
    public void replaceKeyed(UUID tenant, String key, Set<Metric> metrics, List<Measure> measures) {
        Set<Instant> touched = new HashSet<>(jdbc.sql("delete from measurement where tenant_id = :t and key = :k and metric in (:metrics) returning at")
                .param("t", tenant).param("k", key).param("metrics", metrics.stream().map(Metric::code).toList())
                .query((rs, i) -> rs.getTimestamp(1).toInstant()).list());
        for (Measure m : measures) {
            insert(tenant, m, false);
            touched.add(m.at());
        }
        reopenDays(tenant, touched);
        // a ticket's or a push message's figures changed: the live streams push the tenant's board (after commit)
        spring.publishEvent(new FactsChanged(tenant, null, null, null, null));
    }

    /**
     * Gives the observations of a conversation that are keyed by an event (an AI question, a KB answer) the
     * conversation's current group and channel: whichever of chat's, routing's and kb-ai's queues delivered
     * first, they end with the same dimensions (and a replay gives the same rollups).
     */
    void alignDimensions(UUID tenant, UUID conversation, @org.jspecify.annotations.Nullable String group,
            @org.jspecify.annotations.Nullable String channel) {
        Set<Instant> touched = new HashSet<>(jdbc.sql("""
                update measurement set group_name = :group, channel = :channel
                where conversation_id = :c and tenant_id = :t and metric not in (:perConversation) and metric not like 'ticket.%'
                  and (group_name is distinct from :group or channel is distinct from :channel) returning at""")
                .param("group", group).param("channel", channel).param("c", conversation).param("t", tenant)
                .param("perConversation", Metric.PER_CONVERSATION).query((rs, i) -> rs.getTimestamp(1).toInstant()).list());
        reopenDays(tenant, touched);
    }

    /** An observation keyed by its event: a redelivered event (or a replay) leaves it as it is. */
    public void record(UUID tenant, Measure m) {
        if (insert(tenant, m, true)) {
            reopenDays(tenant, Set.of(m.at()));
            spring.publishEvent(new FactsChanged(tenant, null, null, null, null));
        }
    }

    private boolean insert(UUID tenant, Measure m, boolean ignoreExisting) {
        return jdbc.sql("""
                insert into measurement (tenant_id, metric, key, at, value, good, conversation_id, agent_id, group_name, channel)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""" + (ignoreExisting ? " on conflict do nothing" : """
                 on conflict (tenant_id, metric, key) do update set at = excluded.at, value = excluded.value, good = excluded.good,
                  conversation_id = excluded.conversation_id, agent_id = excluded.agent_id, group_name = excluded.group_name, channel = excluded.channel"""))
                .params(tenant, m.metric().code(), m.key(), Timestamp.from(m.at()), m.value(), m.good(), m.conversationId(), m.agentId(),
                        m.groupName(), m.channel())
                .update() > 0;
    }

    private void reopenDays(UUID tenant, Set<Instant> instants) {
        if (instants.isEmpty()) {
            return;
        }
        // Shared with other ingest transactions, exclusive with a day being closed (Rollups.closeDay): a close either
        // sees this measurement or is undone here. Both are done once per transaction (a batch of events): the lock is
        // held until the commit, so no close can mark a day reopened here closed again before then.
        Set<Object> done = reopenedInThisTransaction();
        if (done.add(tenant)) {
            jdbc.sql("select pg_advisory_xact_lock_shared(?)").param(lockKey(tenant)).query().singleRow();
        }
        ZoneId zone = properties.get().zoneOf(tenant);
        Set<LocalDate> days = new HashSet<>();
        instants.forEach(i -> {
            LocalDate day = i.atZone(zone).toLocalDate();
            if (done.add(tenant + "/" + day)) {
                days.add(day);
            }
        });
        if (!days.isEmpty()) {
            jdbc.sql("delete from closed_day where tenant_id = :tenant and day in (:days)").param("tenant", tenant).param("days", days).update();
        }
    }

    /** Tenants locked and days reopened by the current transaction (none outside one: then nothing is remembered). */
    private static Set<Object> reopenedInThisTransaction() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return new HashSet<>();
        }
        @SuppressWarnings("unchecked")
        Set<Object> done = (Set<Object>) TransactionSynchronizationManager.getResource(REOPENED);
        if (done == null) {
            Set<Object> fresh = new HashSet<>();
            TransactionSynchronizationManager.bindResource(REOPENED, fresh);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(REOPENED);
                }
            });
            done = fresh;
        }
        return done;
    }

    private static final Object REOPENED = new Object();

    /** The advisory lock that orders closing a tenant's day against late measurements. */
    public static long lockKey(UUID tenant) {
        return tenant.getMostSignificantBits() ^ 0x57A75L;
    }

    /** count/total/good per metric and dimension value of the measurements in [from, to). */
    public Map<String, Map<String, Agg>> aggregate(UUID tenant, Instant from, Instant to, Dimension dimension) {
        Map<String, Map<String, Agg>> out = new HashMap<>();
        jdbc.sql("select " + dimension.valueSql() + " as dv, metric, count(*), coalesce(sum(value), 0), count(*) filter (where good) "
                + "from measurement where tenant_id = ? and at >= ? and at < ? group by 1, 2")
                .params(tenant, Timestamp.from(from), Timestamp.from(to))
                .query((rs, i) -> {
                    out.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), new Agg(rs.getLong(3), rs.getDouble(4), rs.getLong(5)));
                    return null;
                }).list();
        return out;
    }

    /** The same sums per hour (or day) bucket of the tenant's zone, for the trend of days not yet closed. */
    public Map<Instant, Map<String, Agg>> perBucket(UUID tenant, Instant from, Instant to, String grain, ZoneId zone) {
        String unit = "hour".equals(grain) ? "hour" : "day";
        Map<Instant, Map<String, Agg>> out = new HashMap<>();
        jdbc.sql("select date_trunc('" + unit + "', at at time zone :zone) at time zone :zone as bucket, metric, count(*), coalesce(sum(value), 0), "
                + "count(*) filter (where good) from measurement where tenant_id = :tenant and at >= :from and at < :to group by 1, 2")
                .param("zone", zone.getId()).param("tenant", tenant).param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .query((rs, i) -> {
                    out.computeIfAbsent(rs.getTimestamp(1).toInstant(), k -> new HashMap<>())
                            .put(rs.getString(2), new Agg(rs.getLong(3), rs.getDouble(4), rs.getLong(5)));
                    return null;
                }).list();
        return out;
    }
}
