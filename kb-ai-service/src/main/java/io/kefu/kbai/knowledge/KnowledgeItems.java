package io.kefu.kbai.knowledge;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.kbai.embedding.Vectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The items table and its change log. Set-based SQL (JdbcClient): every write is an insert, a
 * version-checked update, an upsert by question or a delete, each logging the item's id in
 * {@code kb_item_change} in the same transaction, which every instance's index follows.
 */
@Repository
public class KnowledgeItems {

    static final String COLUMNS = "id, tenant_id, question, similar_questions, answer, category, keywords, valid_from, valid_until,"
            + " enabled, version, created_by, created_at, updated_by, updated_at";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    KnowledgeItems(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** An item with its stored vectors (question first, then each other phrasing). */
    public record Indexed(KnowledgeItem item, byte[] embedding, String model) {
    }

    /** A line of the change log. */
    public record Change(long seq, UUID tenantId, UUID itemId, Instant changedAt) {
    }

    public Optional<KnowledgeItem> find(UUID tenantId, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from kb_item where tenant_id = ? and id = ?").params(tenantId, id)
                .query(KnowledgeItems::item).optional();
    }

    public Optional<Indexed> findIndexed(UUID id) {
        return jdbc.sql("select " + COLUMNS + ", embedding, embedding_model from kb_item where id = ?").param(id)
                .query((rs, n) -> new Indexed(item(rs, n), rs.getBytes("embedding"), rs.getString("embedding_model"))).optional();
    }

    /** The items among {@code ids} that still exist, with their vectors. */
    public List<Indexed> findIndexed(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return template.query("select " + COLUMNS + ", embedding, embedding_model from kb_item where id = any(?)",
                (rs, n) -> new Indexed(item(rs, n), rs.getBytes("embedding"), rs.getString("embedding_model")),
                (Object) ids.toArray(UUID[]::new));
    }

    Optional<KnowledgeItem> findByQuestion(UUID tenantId, String questionKey) {
        return jdbc.sql("select " + COLUMNS + " from kb_item where tenant_id = ? and question_key = ?").params(tenantId, questionKey)
                .query(KnowledgeItems::item).optional();
    }

    /** Every item of every tenant with its vectors, streamed (index rebuild at start). */
    public void forEachIndexed(Consumer<Indexed> action) {
        template.setFetchSize(500);
        template.query("select " + COLUMNS + ", embedding, embedding_model from kb_item", rs -> {
            action.accept(new Indexed(item(rs, 0), rs.getBytes("embedding"), rs.getString("embedding_model")));
        });
    }

    public record Page(List<KnowledgeItem> items, long total) {
    }

    /** A page of a tenant's items, newest change first; {@code text} matches question, phrasings, answer or keywords. */
    Page page(UUID tenantId, @Nullable String text, @Nullable String category, @Nullable Boolean enabled, int page, int pageSize) {
        StringBuilder where = new StringBuilder(" where tenant_id = :tenant");
        if (text != null) {
            where.append(" and (question ilike :like escape '\\' or answer ilike :like escape '\\'"
                    + " or array_to_string(similar_questions, ' ') ilike :like escape '\\'"
                    + " or array_to_string(keywords, ' ') ilike :like escape '\\')");
        }
        if (category != null) {
            where.append(" and category = :category");
        }
        if (enabled != null) {
            where.append(" and enabled = :enabled");
        }
        String like = text == null ? null : "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        var count = jdbc.sql("select count(*) from kb_item" + where).param("tenant", tenantId);
        var select = jdbc.sql("select " + COLUMNS + " from kb_item" + where + " order by updated_at desc, id limit :limit offset :offset")
                .param("tenant", tenantId).param("limit", pageSize).param("offset", (long) (page - 1) * pageSize);
        if (text != null) {
            count = count.param("like", like);
            select = select.param("like", like);
        }
        if (category != null) {
            count = count.param("category", category);
            select = select.param("category", category);
        }
        if (enabled != null) {
            count = count.param("enabled", enabled);
            select = select.param("enabled", enabled);
        }
        return new Page(select.query(KnowledgeItems::item).list(), count.query(Long.class).single());
    }

    /** Every item of a tenant, oldest first (export). */
    void forEachOfTenant(UUID tenantId, Consumer<KnowledgeItem> action) {
        template.query("select " + COLUMNS + " from kb_item where tenant_id = ? order by created_at, id",
                rs -> {
                    action.accept(item(rs, 0));
                }, tenantId);
    }

    void insert(KnowledgeItem item, byte[] embedding, String model) {
        jdbc.sql("""
                insert into kb_item (id, tenant_id, question, question_key, similar_questions, answer, category, keywords,
                    valid_from, valid_until, enabled, embedding, embedding_model, version, created_by, created_at, updated_by, updated_at)
                values (:id, :tenant, :question, :key, :similar, :answer, :category, :keywords, :from, :until, :enabled,
                    :embedding, :model, :version, :createdBy, :createdAt, :updatedBy, :updatedAt)
                """).params(params(item, embedding, model)).update();
        logChange(item.tenantId(), List.of(item.id()));
    }

    /** Updates the item if its version is still {@code expectedVersion}; false when it moved on (or is gone). */
    boolean update(KnowledgeItem item, int expectedVersion, byte @Nullable [] embedding, @Nullable String model) {
        var params = params(item, embedding, model);
        params.put("expected", expectedVersion);
        int n = jdbc.sql("""
                update kb_item set question = :question, question_key = :key, similar_questions = :similar, answer = :answer,
                    category = :category, keywords = :keywords, valid_from = :from, valid_until = :until, enabled = :enabled,
                    embedding = coalesce(:embedding, embedding), embedding_model = coalesce(:model, embedding_model),
                    version = :version, updated_by = :updatedBy, updated_at = :updatedAt
                where tenant_id = :tenant and id = :id and version = :expected
                """).params(params).update();
        if (n == 1) {
            logChange(item.tenantId(), List.of(item.id()));
        }
        return n == 1;
    }

    boolean delete(UUID tenantId, UUID id) {
        int n = jdbc.sql("delete from kb_item where tenant_id = ? and id = ?").params(tenantId, id).update();
        if (n == 1) {
            logChange(tenantId, List.of(id));
        }
        return n == 1;
    }

    /**
     * The stored vector of every phrasing of the tenant's items with these question keys, by text, where
     * it was made by {@code model}. A vector depends only on the text and the model, so an import may reuse
     * it for the same text whatever else changed.
     */
    Map<String, float[]> vectorsByText(UUID tenantId, List<String> questionKeys, String model) {
        Map<String, float[]> out = new HashMap<>();
        for (int from = 0; from < questionKeys.size(); from += 1000) {
            List<String> chunk = questionKeys.subList(from, Math.min(questionKeys.size(), from + 1000));
            template.query("select question, similar_questions, embedding from kb_item where tenant_id = ? and question_key = any(?)"
                    + " and embedding_model = ?", rs -> {
                        List<String> texts = new ArrayList<>();
                        texts.add(rs.getString(1));
                        texts.addAll(strings(rs.getArray(2)));
                        float[][] vectors = Vectors.unpack(rs.getBytes(3));
                        if (vectors.length == texts.size()) {
                            for (int i = 0; i < vectors.length; i++) {
                                out.putIfAbsent(texts.get(i), vectors[i]);
                            }
                        }
                    }, tenantId, chunk.toArray(String[]::new), model);
        }
        return out;
    }

    void logChange(UUID tenantId, Collection<UUID> itemIds) {
        List<Object[]> rows = itemIds.stream().map(id -> new Object[] {tenantId, id}).toList();
        template.batchUpdate("insert into kb_item_change (tenant_id, item_id) values (?, ?)", rows);
    }

    /** Changes after {@code afterSeq}, in order, at most {@code limit}. */
    public List<Change> changesAfter(long afterSeq, int limit) {
        return jdbc.sql("select seq, tenant_id, item_id, changed_at from kb_item_change where seq > ? order by seq limit ?")
                .params(afterSeq, limit)
                .query((rs, n) -> new Change(rs.getLong(1), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                        rs.getTimestamp(4).toInstant()))
                .list();
    }

    public long lastChange() {
        return jdbc.sql("select coalesce(max(seq), 0) from kb_item_change").query(Long.class).single();
    }

    public Instant databaseNow() {
        return jdbc.sql("select now()").query(Timestamp.class).single().toInstant();
    }

    public int forgetChangesBefore(Instant before) {
        return jdbc.sql("delete from kb_item_change where changed_at < ?").param(Timestamp.from(before)).update();
    }

    private java.util.Map<String, Object> params(KnowledgeItem item, byte @Nullable [] embedding, @Nullable String model) {
        var p = new java.util.HashMap<String, Object>();
        p.put("id", item.id());
        p.put("tenant", item.tenantId());
        p.put("question", item.question());
        p.put("key", ItemDraft.questionKey(item.question()));
        p.put("similar", item.similarQuestions().toArray(String[]::new));
        p.put("answer", item.answer());
        p.put("category", item.category());
        p.put("keywords", item.keywords().toArray(String[]::new));
        p.put("from", item.validFrom() == null ? null : Timestamp.from(item.validFrom()));
        p.put("until", item.validUntil() == null ? null : Timestamp.from(item.validUntil()));
        p.put("enabled", item.enabled());
        p.put("embedding", embedding);
        p.put("model", model);
        p.put("version", item.version());
        p.put("createdBy", item.createdBy());
        p.put("createdAt", Timestamp.from(item.createdAt()));
        p.put("updatedBy", item.updatedBy());
        p.put("updatedAt", Timestamp.from(item.updatedAt()));
        return p;
    }

    static KnowledgeItem item(ResultSet rs, int n) throws SQLException {
        return new KnowledgeItem(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class), rs.getString("question"),
                strings(rs.getArray("similar_questions")), rs.getString("answer"), rs.getString("category"),
                strings(rs.getArray("keywords")), instant(rs.getTimestamp("valid_from")), instant(rs.getTimestamp("valid_until")),
                rs.getBoolean("enabled"), rs.getInt("version"), rs.getObject("created_by", UUID.class),
                rs.getTimestamp("created_at").toInstant(), rs.getObject("updated_by", UUID.class), rs.getTimestamp("updated_at").toInstant());
    }

    private static List<String> strings(@Nullable Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return new ArrayList<>(Arrays.asList((String[]) array.getArray()));
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
