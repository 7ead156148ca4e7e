package io.kefu.push.request;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** The batch table: one row per accepted batch with its per-recipient rejections. */
@Component
class Batches {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JdbcClient jdbc;

    Batches(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Rejection(int index, String recipient, String reason) {
    }

    record Batch(UUID id, UUID tenantId, UUID templateId, int priority, int total, int accepted, int rejected, String rejectionsJson,
            Instant createdAt) {
    }

    /** Stores the batch unless its idempotency key is taken; true if stored. */
    boolean insert(UUID id, UUID tenantId, UUID templateId, int priority, int total, int accepted, List<Rejection> rejections,
            @Nullable String idempotencyKey, @Nullable UUID createdBy, Instant now) {
        return jdbc.sql("""
                insert into batch (id, tenant_id, template_id, priority, total, accepted, rejected, rejections, idempotency_key, created_by, created_at)
                values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                on conflict (tenant_id, idempotency_key) where idempotency_key is not null do nothing""")
                .params(id, tenantId, templateId, priority, total, accepted, rejections.size(), JSON.writeValueAsString(rejections),
                        idempotencyKey, createdBy, Timestamp.from(now))
                .update() == 1;
    }

    Optional<Batch> find(UUID tenantId, UUID id) {
        return jdbc.sql("select * from batch where tenant_id = ? and id = ?").params(tenantId, id).query(Batches::row).optional();
    }

    Optional<Batch> byIdempotencyKey(UUID tenantId, String key) {
        return jdbc.sql("select * from batch where tenant_id = ? and idempotency_key = ?").params(tenantId, key).query(Batches::row).optional();
    }

    List<Batch> page(UUID tenantId, int page, int pageSize) {
        return jdbc.sql("select * from batch where tenant_id = ? order by created_at desc, id limit ? offset ?")
                .params(tenantId, pageSize, (long) (page - 1) * pageSize).query(Batches::row).list();
    }

    long count(UUID tenantId) {
        return jdbc.sql("select count(*) from batch where tenant_id = ?").param(tenantId).query(Long.class).single();
    }

    private static Batch row(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new Batch(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class), rs.getObject("template_id", UUID.class),
                rs.getInt("priority"), rs.getInt("total"), rs.getInt("accepted"), rs.getInt("rejected"), rs.getString("rejections"),
                rs.getTimestamp("created_at").toInstant());
    }
}
