package io.kefu.stats.ingest;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventJson;
import io.kefu.stats.metric.Tenants;
import org.springframework.jdbc.core.simple.JdbcClient;
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

    void store(EventEnvelope envelope, UUID tenant) {
        tenants.seen(tenant, envelope.time());
        jdbc.sql("""
                insert into stored_event (event_id, tenant_id, type, occurred_at, subject, data, received_at)
                values (?, ?, ?, ?, ?, ?::jsonb, ?) on conflict (event_id) do nothing""")
                .params(envelope.id(), tenant, envelope.type(), Timestamp.from(envelope.time()), envelope.subject(),
                        EventJson.mapper().writeValueAsString(envelope.data()), Timestamp.from(clock.instant()))
                .update();
    }

    List<Stored> ofTenant(UUID tenant) {
        return jdbc.sql("select event_id, type, tenant_id, subject, occurred_at, data::text from stored_event where tenant_id = ? order by seq")
                .param(tenant)
                .query((rs, i) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant(),
                        EventJson.mapper().readTree(rs.getString(6))))
                .list();
    }
}
