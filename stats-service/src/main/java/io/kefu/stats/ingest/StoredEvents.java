package io.kefu.stats.ingest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventJson;
import io.kefu.stats.metric.Deferred;
import io.kefu.stats.metric.Tenants;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Every consumed event, kept (until the retention) so that a tenant's figures can be recomputed from them. */
@Component
class StoredEvents {

    record Stored(String id, String type, String tenantId, String subject, java.time.Instant time, JsonNode data) {
    }

    private final JdbcClient jdbc;
    private final Tenants tenants;
    private final Clock clock;

    StoredEvents(JdbcClient jdbc, Tenants tenants, Clock clock) {
        this.jdbc = jdbc;
        this.tenants = tenants;
        this.clock = clock;
    }

    /** The batch's events, stored with one statement just before its commit, in the order they ran (a replay's order). */
    private final Deferred<List<String[]>> pending = new Deferred<>(0, ArrayList::new, this::insert);

    void store(EventEnvelope envelope, UUID tenant) {
        tenants.seen(tenant, envelope.time());
        String[] row = {envelope.id(), tenant.toString(), envelope.type(), envelope.time().toString(), envelope.subject(),
                EventJson.mapper().writeValueAsString(envelope.data()), clock.instant().toString()};
        pending.add(rows -> rows.add(row));
    }

    private void insert(List<String[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        Object[] columns = new Object[7];
        for (int c = 0; c < columns.length; c++) {
            int column = c;
            columns[c] = new SqlArrayValue("text", rows.stream().map(r -> r[column]).toArray());
        }
        jdbc.sql("""
                insert into stored_event (event_id, tenant_id, type, occurred_at, subject, data, received_at)
                select id, t, type, at, subject, data::jsonb, received
                from unnest(?::text[], ?::uuid[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::timestamptz[])
                  with ordinality as v(id, t, type, at, subject, data, received, n)
                order by n
                on conflict (event_id) do nothing""")
                .params(columns).update();
    }

    List<Stored> ofTenant(UUID tenant) {
        return jdbc.sql("select event_id, type, tenant_id, subject, occurred_at, data::text from stored_event where tenant_id = ? order by seq")
                .param(tenant)
                .query((rs, i) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant(),
                        EventJson.mapper().readTree(rs.getString(6))))
                .list();
    }
}
