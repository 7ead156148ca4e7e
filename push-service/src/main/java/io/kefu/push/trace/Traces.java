package io.kefu.push.trace;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads messages with their traces: by id, by batch, by recipient (reporting queries, tenant-scoped). */
@Component
class Traces {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JdbcClient jdbc;

    Traces(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Trace(UUID messageId, @Nullable UUID batchId, UUID templateId, String channel, String recipient, String status, int priority,
            int attempts, JsonNode variables, Instant queuedAt, @Nullable Instant processedAt, @Nullable Instant sentAt,
            @Nullable Instant callbackAt, @Nullable Instant nextAttemptAt, @Nullable Integer sendMillis, @Nullable String providerMessageId,
            @Nullable String providerResponse, @Nullable String failureReason, JsonNode steps) {
    }

    Optional<Trace> find(UUID tenantId, UUID id) {
        return jdbc.sql("select * from message where tenant_id = ? and id = ?").params(tenantId, id).query(Traces::row).optional();
    }

    List<Trace> search(UUID tenantId, @Nullable UUID batchId, @Nullable String recipient, @Nullable String status, int page, int pageSize) {
        StringBuilder sql = new StringBuilder("select * from message where tenant_id = ?");
        List<Object> params = new ArrayList<>(List.of(tenantId));
        where(sql, params, batchId, recipient, status);
        sql.append(" order by created_at desc, id limit ? offset ?");
        params.add(pageSize);
        params.add((long) (page - 1) * pageSize);
        return jdbc.sql(sql.toString()).params(params).query(Traces::row).list();
    }

    long count(UUID tenantId, @Nullable UUID batchId, @Nullable String recipient, @Nullable String status) {
        StringBuilder sql = new StringBuilder("select count(*) from message where tenant_id = ?");
        List<Object> params = new ArrayList<>(List.of(tenantId));
        where(sql, params, batchId, recipient, status);
        return jdbc.sql(sql.toString()).params(params).query(Long.class).single();
    }

    private static void where(StringBuilder sql, List<Object> params, @Nullable UUID batchId, @Nullable String recipient, @Nullable String status) {
        if (batchId != null) {
            sql.append(" and batch_id = ?");
            params.add(batchId);
        }
        if (recipient != null) {
            sql.append(" and recipient = ?");
            params.add(recipient);
        }
        if (status != null) {
            sql.append(" and status = ?");
            params.add(status);
        }
    }

    private static Trace row(ResultSet rs, int i) throws SQLException {
        return new Trace(rs.getObject("id", UUID.class), rs.getObject("batch_id", UUID.class), rs.getObject("template_id", UUID.class),
                rs.getString("channel").toLowerCase(java.util.Locale.ROOT), rs.getString("recipient"), rs.getString("status"), rs.getInt("priority"),
                rs.getInt("attempts"), JSON.readTree(rs.getString("variables")), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("processed_at")), instant(rs.getTimestamp("sent_at")), instant(rs.getTimestamp("callback_at")),
                instant(rs.getTimestamp("next_attempt_at")), (Integer) rs.getObject("send_millis"), rs.getString("provider_message_id"),
                rs.getString("provider_response"), rs.getString("failure_reason"), JSON.readTree(rs.getString("trace")));
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
