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
        return jdbc.sql(SELECT + " where m.tenant_id = ? and m.id = ?").params(tenantId, id).query(Traces::row).optional();
    }

    List<Trace> search(UUID tenantId, @Nullable UUID batchId, @Nullable String recipient, @Nullable String status, int page, int pageSize) {
        StringBuilder sql = new StringBuilder(SELECT + " where m.tenant_id = ?");
        List<Object> params = new ArrayList<>(List.of(tenantId));
        where(sql, params, batchId, recipient, status);
        sql.append(" order by m.created_at desc, m.id limit ? offset ?");
        params.add(pageSize);
        params.add((long) (page - 1) * pageSize);
        return jdbc.sql(sql.toString()).params(params).query(Traces::row).list();
    }

    long count(UUID tenantId, @Nullable UUID batchId, @Nullable String recipient, @Nullable String status) {
        StringBuilder sql = new StringBuilder("select count(*) from message m where m.tenant_id = ?");
        List<Object> params = new ArrayList<>(List.of(tenantId));
        where(sql, params, batchId, recipient, status);
        return jdbc.sql(sql.toString()).params(params).query(Long.class).single();
    }

    /** A message with its template's kind: a captcha's variables are never shown, even while it is in flight. */
    private static final String SELECT = "select m.*, t.kind as template_kind from message m left join template t on t.id = m.template_id";

    private static void where(StringBuilder sql, List<Object> params, @Nullable UUID batchId, @Nullable String recipient, @Nullable String status) {
        if (batchId != null) {
            sql.append(" and m.batch_id = ?");
            params.add(batchId);
        }
        if (recipient != null) {
            sql.append(" and m.recipient = ?");
            params.add(recipient);
        }
        if (status != null) {
            sql.append(" and m.status = ?");
            params.add(status);
        }
    }

    private static Trace row(ResultSet rs, int i) throws SQLException {
        return new Trace(rs.getObject("id", UUID.class), rs.getObject("batch_id", UUID.class), rs.getObject("template_id", UUID.class),
                rs.getString("channel").toLowerCase(java.util.Locale.ROOT), rs.getString("recipient"), rs.getString("status"), rs.getInt("priority"),
                rs.getInt("attempts"), variables(rs.getString("variables"), rs.getString("template_kind")), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("processed_at")), instant(rs.getTimestamp("sent_at")), instant(rs.getTimestamp("callback_at")),
                instant(rs.getTimestamp("next_attempt_at")), (Integer) rs.getObject("send_millis"), rs.getString("provider_message_id"),
                rs.getString("provider_response"), rs.getString("failure_reason"), JSON.readTree(rs.getString("trace")));
    }

    private static JsonNode variables(String json, @Nullable String templateKind) {
        JsonNode variables = JSON.readTree(json);
        if ("captcha".equals(templateKind) && variables instanceof tools.jackson.databind.node.ObjectNode object) {
            object.propertyNames().forEach(name -> object.put(name, "******"));
        }
        return variables;
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
