package io.kefu.kbai.knowledge;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.kbai.embedding.Embedder;
import io.kefu.kbai.embedding.Vectors;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports many items at once (bulk JSON, CSV, XLSX): each row is checked on its own; good rows are
 * embedded (before any transaction; only phrasings without a stored vector, in batches), then written in one transaction as upserts keyed by the
 * normalised question, so importing the same question again updates its item instead of adding a
 * second one. A rejected row is reported with its reason and nothing of it is stored; a row is never
 * half-stored. Within one file a repeated question is rejected as a duplicate of its first row.
 */
@Service
public class ItemImport {

    public static final int MAX_ROWS = 10_000;

    private final KnowledgeItems items;
    private final Embedder embedder;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    ItemImport(KnowledgeItems items, Embedder embedder, JdbcTemplate jdbc, TransactionTemplate tx, ApplicationEventPublisher events,
            Clock clock) {
        this.items = items;
        this.embedder = embedder;
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
    }

    /** A row read from a source: its draft, or why it could not even be read. */
    public record SourceRow(int row, @Nullable ItemDraft draft, @Nullable String unreadable) {
    }

    public ImportReport run(UUID tenantId, List<SourceRow> rows, @Nullable UUID by) {
        ImportReport.Row[] outcome = new ImportReport.Row[rows.size()];
        Map<String, Integer> firstRowByKey = new HashMap<>();
        List<Integer> good = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            SourceRow r = rows.get(i);
            String reason = r.unreadable() != null ? r.unreadable() : r.draft() == null ? "empty row" : r.draft().problem();
            if (reason == null) {
                Integer first = firstRowByKey.putIfAbsent(r.draft().questionKey(), r.row());
                if (first != null) {
                    reason = "the same question as row " + first;
                }
            }
            if (reason != null) {
                outcome[i] = new ImportReport.Row(r.row(), ImportReport.Status.rejected, null,
                        r.draft() == null ? null : r.draft().question(), reason);
            } else {
                good.add(i);
            }
        }
        // Embed outside any transaction, and only what is new: a phrasing the tenant's stored item already has a
        // vector for keeps it (re-importing a file with a changed answer runs no model), and a text repeated
        // across rows is embedded once.
        List<String> keys = good.stream().map(i -> rows.get(i).draft().questionKey()).toList();
        Map<String, float[]> vectorOf = keys.isEmpty() ? new HashMap<>() : items.vectorsByText(tenantId, keys, Embedder.MODEL);
        List<String> missing = good.stream().flatMap(i -> rows.get(i).draft().phrasingsWithQuestion().stream()).distinct()
                .filter(t -> !vectorOf.containsKey(t)).toList();
        List<float[]> computed = embedder.embedAll(missing);
        for (int i = 0; i < missing.size(); i++) {
            vectorOf.put(missing.get(i), computed.get(i));
        }
        Map<Integer, byte[]> vectors = new HashMap<>();
        for (int i : good) {
            vectors.put(i, Vectors.pack(rows.get(i).draft().phrasingsWithQuestion().stream().map(vectorOf::get).toList()));
        }

        Instant now = clock.instant();
        List<UUID> changed = new ArrayList<>();
        if (!good.isEmpty()) {
            tx.executeWithoutResult(s -> {
                Map<String, UUID> existing = existing(tenantId, keys);
                List<Object[]> batch = new ArrayList<>(good.size());
                for (int i : good) {
                    ItemDraft d = rows.get(i).draft();
                    UUID id = existing.get(d.questionKey());
                    boolean created = id == null;
                    if (created) {
                        id = UUID.randomUUID();
                    }
                    batch.add(new Object[] {id, tenantId, d.question(), d.questionKey(), d.similarQuestions().toArray(String[]::new),
                            d.answer(), d.category(), d.keywords().toArray(String[]::new), ts(d.validFrom()), ts(d.validUntil()), d.enabled(),
                            vectors.get(i), Embedder.MODEL, by, Timestamp.from(now), by, Timestamp.from(now)});
                    changed.add(id);
                    outcome[i] = new ImportReport.Row(rows.get(i).row(), created ? ImportReport.Status.created : ImportReport.Status.updated,
                            id, d.question(), null);
                }
                jdbc.batchUpdate("""
                        insert into kb_item (id, tenant_id, question, question_key, similar_questions, answer, category, keywords,
                            valid_from, valid_until, enabled, embedding, embedding_model, version, created_by, created_at, updated_by, updated_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
                        on conflict (tenant_id, question_key) do update set question = excluded.question,
                            similar_questions = excluded.similar_questions, answer = excluded.answer, category = excluded.category,
                            keywords = excluded.keywords, valid_from = excluded.valid_from, valid_until = excluded.valid_until,
                            enabled = excluded.enabled, embedding = excluded.embedding, embedding_model = excluded.embedding_model,
                            version = kb_item.version + 1, updated_by = excluded.updated_by, updated_at = excluded.updated_at
                        """, batch);
                items.logChange(tenantId, changed);
                events.publishEvent(new KnowledgeChanged(tenantId, changed));
            });
        }
        int created = 0;
        int updated = 0;
        int rejected = 0;
        for (ImportReport.Row r : outcome) {
            switch (r.status()) {
                case created -> created++;
                case updated -> updated++;
                case rejected -> rejected++;
            }
        }
        return new ImportReport(created, updated, rejected, List.of(outcome));
    }

    private Map<String, UUID> existing(UUID tenantId, List<String> keys) {
        Map<String, UUID> out = new LinkedHashMap<>();
        for (int from = 0; from < keys.size(); from += 1000) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 1000));
            jdbc.query("select question_key, id from kb_item where tenant_id = ? and question_key = any(?)",
                    rs -> {
                        out.put(rs.getString(1), rs.getObject(2, UUID.class));
                    }, tenantId, chunk.toArray(String[]::new));
        }
        return out;
    }

    private static @Nullable Timestamp ts(@Nullable Instant t) {
        return t == null ? null : Timestamp.from(t);
    }
}
