package io.kefu.stats.metric;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
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

    /**
     * A conversation's re-derived observations (of {@link Metric#PER_CONVERSATION}) and its current dimensions. {@code stored}:
     * its row was there before this batch, so it may have observations stored (a conversation the batch inserted has none);
     * {@code observed}: the batch recorded event-keyed observations of it (they take its dimensions as the batch left them).
     */
    record ConversationObservations(UUID tenant, UUID conversation, List<Measure> measures, @Nullable String group, @Nullable String channel,
            boolean stored, boolean observed) {
    }

    /**
     * A key's (a ticket's, a push message's) re-derived observations; {@code stored}: observations under the key may be
     * stored (its row was there before this batch).
     */
    public record KeyedMeasures(UUID tenant, String key, List<Measure> measures, boolean stored) {
    }

    private final Deferred<Map<String, Object[]>> recorded = new Deferred<>(10, LinkedHashMap::new, this::insertRecorded);

    /**
     * Replaces the per-conversation observations of these conversations by those re-derived from their facts, then
     * gives the event-keyed observations of each (an AI question, a KB answer) the conversation's group and channel:
     * whichever of chat's, routing's and kb-ai's queues delivered first, they end with the same dimensions (and a replay
     * gives the same rollups). At most three statements for a whole batch (a conversation it inserted has nothing stored
     * to delete or align); the caller holds each conversation's row lock.
     */
    void replaceConversations(List<ConversationObservations> all) {
        if (all.isEmpty()) {
            return;
        }
        Map<UUID, Set<Instant>> touched = new HashMap<>();
        List<String> stored = all.stream().filter(ConversationObservations::stored).map(c -> c.conversation().toString()).toList();
        if (!stored.isEmpty()) {
            // each conversation's rows found through measurement_conversation, whatever the planner thinks of the table's size
            touching(jdbc.sql("""
                    delete from measurement m where m.ctid = any(array(
                      select x.ctid from unnest(?::uuid[]) as v(c)
                      cross join lateral (select i.ctid from measurement i where i.conversation_id = v.c and i.metric = any(?::text[]) offset 0) x))
                    returning m.tenant_id, m.at""")
                    .params(array(stored), array(List.copyOf(Metric.PER_CONVERSATION))), touched);
        }
        upsertDerived(all.stream().map(c -> Map.entry(c.tenant(), c.measures())).toList(), touched);
        List<ConversationObservations> align = all.stream().filter(c -> c.stored() || c.observed()).toList();
        if (!align.isEmpty()) {
            touching(jdbc.sql("""
                    update measurement m set group_name = x.g, channel = x.ch from (
                      select i.ctid, v.g, v.ch from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[]) as v(c, t, g, ch)
                      cross join lateral (select i.ctid from measurement i where i.conversation_id = v.c and i.tenant_id = v.t
                        and i.metric <> all(?::text[]) and i.metric not like 'ticket.%'
                        and (i.group_name is distinct from v.g or i.channel is distinct from v.ch) offset 0) i) x
                    where m.ctid = x.ctid returning m.tenant_id, m.at""")
                    .params(array(align.stream().map(c -> c.conversation().toString()).toList()),
                            array(align.stream().map(c -> c.tenant().toString()).toList()), array(align.stream().map(ConversationObservations::group).toList()),
                            array(align.stream().map(ConversationObservations::channel).toList()), array(List.copyOf(Metric.PER_CONVERSATION))), touched);
        }
        touched.forEach(this::reopenDays);
    }

    /**
     * Replaces the observations of these metrics under each key (a ticket, a push message) by those re-derived from its
     * current facts: redelivered or reordered events give the same rows. Two statements for a whole batch, one when no
     * key has observations stored.
     */
    public void replaceKeyed(Set<Metric> metrics, List<KeyedMeasures> all) {
        if (all.isEmpty()) {
            return;
        }
        Map<UUID, Set<Instant>> touched = new HashMap<>();
        List<KeyedMeasures> stored = all.stream().filter(KeyedMeasures::stored).toList();
        if (!stored.isEmpty()) {
            // each key's rows found through the primary key, whatever the planner thinks of the table's size
            touching(jdbc.sql("""
                    delete from measurement m where m.ctid = any(array(
                      select x.ctid from unnest(?::uuid[], ?::text[]) as v(t, k)
                      cross join lateral (select i.ctid from measurement i where i.tenant_id = v.t and i.metric = any(?::text[]) and i.key = v.k offset 0) x))
                    returning m.tenant_id, m.at""")
                    .params(array(stored.stream().map(k -> k.tenant().toString()).toList()), array(stored.stream().map(KeyedMeasures::key).toList()),
                            array(metrics.stream().map(Metric::code).toList())), touched);
        }
        upsertDerived(all.stream().map(k -> Map.entry(k.tenant(), k.measures())).toList(), touched);
        touched.forEach(this::reopenDays);
        // a ticket's or a push message's figures changed: the live streams push the tenant's board (after commit)
        all.stream().map(KeyedMeasures::tenant).distinct().forEach(t -> spring.publishEvent(new FactsChanged(t, null, null, null, null)));
    }

    /** Runs a statement returning the (tenant_id, at) of the rows it changed, whose days are then reopened. */
    private static void touching(JdbcClient.StatementSpec statement, Map<UUID, Set<Instant>> touched) {
        statement.query((rs, i) -> touched.computeIfAbsent(rs.getObject(1, UUID.class), t -> new HashSet<>()).add(rs.getTimestamp(2).toInstant()))
                .list();
    }

    /** Writes re-derived observations (over the ones under the same key), one statement for all of them. */
    private void upsertDerived(List<Map.Entry<UUID, List<Measure>>> derived, Map<UUID, Set<Instant>> touched) {
        List<Object[]> rows = new ArrayList<>();
        derived.forEach(d -> d.getValue().forEach(m -> {
            rows.add(row(d.getKey(), m));
            touched.computeIfAbsent(d.getKey(), t -> new HashSet<>()).add(m.at());
        }));
        insert(rows, false);
    }

    /**
     * An observation keyed by its event: a redelivered event (or a replay) leaves it as it is. Inserted with the
     * batch's others just before its commit, before the conversations' dimensions are aligned.
     */
    public void record(UUID tenant, Measure m) {
        recorded.add(pending -> pending.putIfAbsent(tenant + "/" + m.metric().code() + "/" + m.key(), row(tenant, m)));
    }

    /**
     * Event-keyed observations inserted now, as {@link #record} would before the commit: for a flush after that of
     * {@link #record}'s (a conversation's observations, which take its dimensions as the batch's events left them).
     */
    void recordNow(List<Map.Entry<UUID, Measure>> observed) {
        if (observed.isEmpty()) {
            return;
        }
        Map<String, Object[]> rows = new LinkedHashMap<>();
        observed.forEach(o -> rows.putIfAbsent(o.getKey() + "/" + o.getValue().metric().code() + "/" + o.getValue().key(), row(o.getKey(), o.getValue())));
        insertRecorded(rows);
    }

    /** Inserts the event-keyed observations recorded so far in this transaction (before a replay changes the business hours). */
    void flushRecorded() {
        recorded.flushNow();
    }

    private void insertRecorded(Map<String, Object[]> pending) {
        Map<UUID, Set<Instant>> touched = new HashMap<>();
        for (Object[] inserted : insert(List.copyOf(pending.values()), true)) {
            touched.computeIfAbsent((UUID) inserted[0], t -> new HashSet<>()).add((Instant) inserted[1]);
        }
        touched.forEach((tenant, instants) -> {
            reopenDays(tenant, instants);
            spring.publishEvent(new FactsChanged(tenant, null, null, null, null));
        });
    }

    private static Object[] row(UUID tenant, Measure m) {
        return new Object[] {tenant.toString(), m.metric().code(), m.key(), m.at().toString(), Double.toString(m.value()), Boolean.toString(m.good()),
                str(m.conversationId()), str(m.agentId()), m.groupName(), m.channel()};
    }

    /** One multi-row insert ({@code unnest} of one array per column); returns the (tenant, time) of the rows written. */
    private List<Object[]> insert(List<Object[]> rows, boolean ignoreExisting) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Object[] columns = new Object[10];
        for (int c = 0; c < columns.length; c++) {
            int column = c;
            columns[c] = array(rows.stream().map(r -> (String) r[column]).toList());
        }
        return jdbc.sql("""
                insert into measurement (tenant_id, metric, key, at, value, good, conversation_id, agent_id, group_name, channel)
                select t, metric, key, at, value, good, c, a, g, ch
                from unnest(?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::float8[], ?::boolean[], ?::uuid[], ?::uuid[], ?::text[], ?::text[])
                  as v(t, metric, key, at, value, good, c, a, g, ch)""" + (ignoreExisting ? " on conflict do nothing" : """
                 on conflict (tenant_id, metric, key) do update set at = excluded.at, value = excluded.value, good = excluded.good,
                  conversation_id = excluded.conversation_id, agent_id = excluded.agent_id, group_name = excluded.group_name, channel = excluded.channel""")
                + " returning tenant_id, at")
                .params(columns)
                .query((rs, i) -> new Object[] {rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant()})
                .list();
    }

    /** A text[] parameter (cast in SQL to the column's type): one array per column makes a batch one statement. */
    static SqlArrayValue array(List<String> values) {
        return new SqlArrayValue("text", values.toArray());
    }

    private static @Nullable String str(@Nullable Object value) {
        return value == null ? null : value.toString();
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
