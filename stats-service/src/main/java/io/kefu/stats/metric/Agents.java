package io.kefu.stats.metric;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Agents' names (auth) and statuses (routing). A status change closes the interval of the previous
 * status: {@code agent.<status>} = this change's time − the previous change's time, keyed by the
 * event. A change older than the one already known is stale (queues reorder) and ignored.
 */
@Component
public class Agents {

    public record AgentView(UUID staffId, @Nullable String name, @Nullable String groupName, @Nullable String status, int currentLoad,
            int maxChats) {
    }

    private final JdbcClient jdbc;
    private final Measurements measurements;
    private final ApplicationEventPublisher spring;

    Agents(JdbcClient jdbc, Measurements measurements, ApplicationEventPublisher spring) {
        this.jdbc = jdbc;
        this.measurements = measurements;
        this.spring = spring;
    }

    public void profile(UUID tenant, UUID staffId, @Nullable String name, int maxChats) {
        jdbc.sql("""
                insert into agent (staff_id, tenant_id, name, max_chats) values (?, ?, ?, ?)
                on conflict (staff_id) do update set name = coalesce(excluded.name, agent.name), max_chats = excluded.max_chats""")
                .params(staffId, tenant, name, maxChats).update();
    }

    public void statusChanged(UUID tenant, UUID staffId, String eventId, @Nullable String name, @Nullable String group, String status,
            int currentLoad, int maxChats, Instant changedAt) {
        jdbc.sql("insert into agent (staff_id, tenant_id) values (?, ?) on conflict do nothing").params(staffId, tenant).update();
        var known = jdbc.sql("select status, status_since from agent where staff_id = ? for update").param(staffId)
                .query((rs, i) -> new Object[] {rs.getString(1), rs.getTimestamp(2)}).single();
        String previous = (String) known[0];
        Timestamp since = (Timestamp) known[1];
        if (since != null && changedAt.isBefore(since.toInstant())) {
            return;
        }
        if (previous != null && since != null) {
            Metric metric = switch (previous) {
                case "online" -> Metric.AGENT_ONLINE;
                case "busy" -> Metric.AGENT_BUSY;
                default -> Metric.AGENT_OFFLINE;
            };
            measurements.record(tenant, new Measure(metric, eventId, changedAt, ConversationMeasures.seconds(since.toInstant(), changedAt), false,
                    null, staffId, group, null));
        }
        jdbc.sql("""
                update agent set name = coalesce(?, name), group_name = coalesce(?, group_name), status = ?, status_since = ?,
                  current_load = ?, max_chats = ? where staff_id = ?""")
                .params(name, group, status, Timestamp.from(changedAt), currentLoad, maxChats, staffId).update();
        spring.publishEvent(new FactsChanged(tenant, null, null, staffId, status));
    }

    public List<AgentView> ofTenant(UUID tenant) {
        return jdbc.sql("select staff_id, name, group_name, status, current_load, max_chats from agent where tenant_id = ? order by name, staff_id")
                .param(tenant)
                .query((rs, i) -> new AgentView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                        rs.getInt(6)))
                .list();
    }

    public Map<String, String> names(UUID tenant) {
        Map<String, String> names = new LinkedHashMap<>();
        ofTenant(tenant).forEach(a -> names.put(a.staffId().toString(), a.name() == null ? a.staffId().toString().substring(0, 8) : a.name()));
        return names;
    }
}
