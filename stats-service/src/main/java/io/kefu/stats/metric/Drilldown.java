package io.kefu.stats.metric;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The observations behind a figure: one row per measurement, or one per conversation for export. */
@Component
public class Drilldown {

    public record Row(String key, Instant at, double value, boolean good, @Nullable UUID conversationId, @Nullable UUID agentId,
            @Nullable String groupName, @Nullable String channel) {
    }

    public record ConversationLine(String conversation, Instant firstAt, Instant lastAt, long observations, double value, long good,
            @Nullable String agents, @Nullable String groupName, @Nullable String channel) {
    }

    private final JdbcClient jdbc;

    Drilldown(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long count(UUID tenant, Metric metric, Instant from, Instant to, Dimension dimension, @Nullable String value) {
        return jdbc.sql("select count(*) from measurement where " + where(dimension, value)).params(params(tenant, metric, from, to, value))
                .query(Long.class).single();
    }

    public List<Row> page(UUID tenant, Metric metric, Instant from, Instant to, Dimension dimension, @Nullable String value, int limit,
            long offset) {
        var params = params(tenant, metric, from, to, value);
        params.put("limit", limit);
        params.put("offset", offset);
        return jdbc.sql("select key, at, value, good, conversation_id, agent_id, group_name, channel from measurement where "
                + where(dimension, value) + " order by at desc, key limit :limit offset :offset").params(params)
                .query((rs, i) -> new Row(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getDouble(3), rs.getBoolean(4),
                        rs.getObject(5, UUID.class), rs.getObject(6, UUID.class), rs.getString(7), rs.getString(8)))
                .list();
    }

    /** One line per conversation (observations without one, e.g. an agent's status interval, one per key), streamed. */
    public void perConversation(UUID tenant, Metric metric, Instant from, Instant to, Dimension dimension, @Nullable String value, int max,
            Consumer<ConversationLine> sink) {
        var params = params(tenant, metric, from, to, value);
        params.put("max", max);
        jdbc.sql("select coalesce(conversation_id::text, key), min(at), max(at), count(*), sum(value), count(*) filter (where good), "
                + "string_agg(distinct agent_id::text, ' '), min(group_name), min(channel) from measurement where " + where(dimension, value)
                + " group by 1 order by 2 desc limit :max").params(params)
                .query((rs, i) -> {
                    sink.accept(new ConversationLine(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant(), rs.getLong(4),
                            rs.getDouble(5), rs.getLong(6), rs.getString(7), rs.getString(8), rs.getString(9)));
                    return null;
                }).list();
    }

    private static String where(Dimension dimension, @Nullable String value) {
        String base = "tenant_id = :tenant and metric = :metric and at >= :from and at < :to";
        if (dimension == Dimension.ALL || value == null) {
            return base;
        }
        return base + " and " + dimension.valueSql() + " = :value";
    }

    private static java.util.Map<String, Object> params(UUID tenant, Metric metric, Instant from, Instant to, @Nullable String value) {
        java.util.Map<String, Object> p = new java.util.HashMap<>();
        p.put("tenant", tenant);
        p.put("metric", metric.code());
        p.put("from", Timestamp.from(from));
        p.put("to", Timestamp.from(to));
        p.put("value", value == null ? "" : value);
        return p;
    }
}
