package io.kefu.stats.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** What the live counters should say, read from PostgreSQL. */
@Component
class LiveRebuild {

    private final JdbcClient jdbc;

    LiveRebuild(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Map<String, java.time.Instant> waiting(UUID tenant) {
        Map<String, java.time.Instant> out = new LinkedHashMap<>();
        jdbc.sql("select conversation_id, queued_at from conversation where tenant_id = ? and queued_at is not null and assigned_at is null "
                + "and ended_at is null").param(tenant)
                .query((rs, i) -> out.put(rs.getString(1), rs.getTimestamp(2).toInstant())).list();
        return out;
    }
}
