package io.kefu.stats.metric;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * push-service's facts: the latest final outcome of each message. A message is one {@code push.sent}
 * observation at its outcome (good = sent, value = the provider call's milliseconds when sent, 0 when
 * not) and, when it failed (outcome failed, dead or unknown), one {@code push.failed} too. A message an
 * admin re-drove after "unknown" and that was sent after all counts as sent: the later outcome wins.
 */
@Component
public class PushOutcomes {

    static final Set<Metric> METRICS = Set.of(Metric.PUSH_SENT, Metric.PUSH_FAILED);

    private final JdbcClient jdbc;
    /** This transaction's events' outcomes, in the order the events ran. */
    private final Deferred<List<Outcome>> outcomes = new Deferred<>(20, ArrayList::new, this::applyAll);
    private final Measurements measurements;

    PushOutcomes(JdbcClient jdbc, Measurements measurements) {
        this.jdbc = jdbc;
        this.measurements = measurements;
    }

    public void sent(UUID tenant, UUID message, @Nullable String channel, double sendMillis, Instant at) {
        outcome(tenant, message, channel, "sent", sendMillis, at);
    }

    public void failed(UUID tenant, UUID message, @Nullable String channel, String outcome, Instant at) {
        outcome(tenant, message, channel, outcome, null, at);
    }

    private record Outcome(UUID tenant, UUID message, @Nullable String channel, String outcome, @Nullable Double sendMillis, Instant at) {
    }

    private void outcome(UUID tenant, UUID message, @Nullable String channel, String outcome, @Nullable Double sendMillis, Instant at) {
        outcomes.add(pending -> pending.add(new Outcome(tenant, message, channel, outcome, sendMillis, at)));
    }

    /**
     * The batch's outcomes, just before its commit. A message with one outcome in the batch (the usual case) is written
     * with the others' in one multi-row upsert, the very statement per outcome it replaces, which returns the rows it
     * changed: only their figures are re-derived (a stale outcome changed nothing), and a message it inserted has none
     * stored to delete. The outcomes of a message with several in the batch are written one by one in the order they
     * came, as each later one is judged against the row the earlier left, then its row is read.
     */
    private void applyAll(List<Outcome> pending) {
        if (pending.isEmpty()) {
            return;
        }
        Map<UUID, List<Outcome>> byMessage = new LinkedHashMap<>();
        pending.forEach(o -> byMessage.computeIfAbsent(o.message(), m -> new ArrayList<>()).add(o));
        List<Outcome> single = byMessage.values().stream().filter(l -> l.size() == 1).map(List::getFirst).toList();
        List<Measurements.KeyedMeasures> changed = new ArrayList<>();
        if (!single.isEmpty()) {
            changed.addAll(jdbc.sql("insert into push_message (message_id, tenant_id, channel, outcome, outcome_at, send_millis)\n"
                    + "select id, t, ch, o, at, ms from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::float8[])"
                    + " as v(id, t, ch, o, at, ms)\n" + LATER_WINS + "\nreturning " + ROW + ", xmax = 0")
                    .params(Measurements.array(single.stream().map(o -> o.message().toString()).toList()),
                            Measurements.array(single.stream().map(o -> o.tenant().toString()).toList()),
                            Measurements.array(single.stream().map(Outcome::channel).toList()),
                            Measurements.array(single.stream().map(Outcome::outcome).toList()),
                            Measurements.array(single.stream().map(o -> ConversationFacts.micros(o.at()).toString()).toList()),
                            Measurements.array(single.stream().map(o -> o.sendMillis() == null ? null : o.sendMillis().toString()).toList()))
                    .query((rs, i) -> measures(rs, !rs.getBoolean(7)))
                    .list());
        }
        List<UUID> several = byMessage.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        several.stream().flatMap(m -> byMessage.get(m).stream()).forEach(o -> jdbc.sql(
                "insert into push_message (message_id, tenant_id, channel, outcome, outcome_at, send_millis) values (?, ?, ?, ?, ?, ?)\n" + LATER_WINS)
                .params(o.message(), o.tenant(), o.channel(), o.outcome(), Timestamp.from(o.at()), o.sendMillis()).update());
        if (!several.isEmpty()) {
            changed.addAll(jdbc.sql("select " + ROW + " from push_message where message_id = any(?::uuid[]) order by message_id")
                    .param(Measurements.array(several.stream().map(UUID::toString).toList()))
                    .query((rs, i) -> measures(rs, true))
                    .list());
        }
        measurements.replaceKeyed(METRICS, changed);
    }

    /** The latest outcome of a message wins (a message re-driven after "unknown" and sent after all counts as sent). */
    private static final String LATER_WINS = """
            on conflict (message_id) do update set channel = coalesce(excluded.channel, push_message.channel), outcome = excluded.outcome,
              outcome_at = excluded.outcome_at, send_millis = excluded.send_millis
            where excluded.outcome_at > push_message.outcome_at""";

    private static final String ROW = "message_id, tenant_id, channel, outcome, outcome_at, send_millis";

    /** A message's figures, re-derived from its row ({@link #ROW}). */
    private static Measurements.KeyedMeasures measures(ResultSet rs, boolean stored) throws SQLException {
        String key = rs.getObject(1, UUID.class).toString();
        String channel = rs.getString(3);
        Instant at = rs.getTimestamp(5).toInstant();
        Double millis = rs.getObject(6, Double.class);
        boolean sent = "sent".equals(rs.getString(4));
        Measure measure = new Measure(Metric.PUSH_SENT, key, at, sent && millis != null ? millis : 0, sent, null, null, null, channel);
        return new Measurements.KeyedMeasures(rs.getObject(2, UUID.class), key, sent ? List.of(measure)
                : List.of(measure, new Measure(Metric.PUSH_FAILED, key, at, 1, false, null, null, null, channel)), stored);
    }
}
