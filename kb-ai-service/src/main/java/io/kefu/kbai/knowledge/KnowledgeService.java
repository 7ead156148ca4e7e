package io.kefu.kbai.knowledge;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.kbai.embedding.Embedder;
import io.kefu.kbai.embedding.Vectors;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes items. Vectors are computed before the transaction (the model is not called while a
 * connection is held); the row and its change-log line commit together; the local index hears
 * {@link KnowledgeChanged} after the commit.
 */
@Service
public class KnowledgeService {

    private final KnowledgeItems items;
    private final Embedder embedder;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    KnowledgeService(KnowledgeItems items, Embedder embedder, TransactionTemplate tx, ApplicationEventPublisher events, Clock clock) {
        this.items = items;
        this.embedder = embedder;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
    }

    public KnowledgeItem get(UUID tenantId, UUID id) {
        return items.find(tenantId, id).orElseThrow(() -> notFound(id));
    }

    public KnowledgeItems.Page page(UUID tenantId, @Nullable String text, @Nullable String category, @Nullable Boolean enabled,
            int page, int pageSize) {
        return items.page(tenantId, text, category, enabled, page, pageSize);
    }

    public KnowledgeItem create(UUID tenantId, ItemDraft draft, @Nullable UUID by) {
        draft.check();
        byte[] vectors = Vectors.pack(embedder.embedAll(draft.phrasingsWithQuestion()));
        Instant now = clock.instant();
        KnowledgeItem item = new KnowledgeItem(UUID.randomUUID(), tenantId, draft.question(), draft.similarQuestions(), draft.answer(),
                draft.category(), draft.keywords(), draft.validFrom(), draft.validUntil(), draft.enabled(), 0, by, now, by, now);
        tx.executeWithoutResult(s -> {
            if (items.findByQuestion(tenantId, draft.questionKey()).isPresent()) {
                throw new KefuProblemException(ProblemType.CONFLICT, "An item with this question already exists");
            }
            items.insert(item, vectors, Embedder.MODEL);
            events.publishEvent(new KnowledgeChanged(tenantId, List.of(item.id())));
        });
        return item;
    }

    /** Replaces the item's content if {@code expectedVersion} (when given) is still current. */
    public KnowledgeItem update(UUID tenantId, UUID id, ItemDraft draft, @Nullable Integer expectedVersion, @Nullable UUID by) {
        draft.check();
        KnowledgeItem current = get(tenantId, id);
        if (expectedVersion != null && expectedVersion != current.version()) {
            throw new KefuProblemException(ProblemType.CONFLICT, "The item changed since version " + expectedVersion,
                    java.util.Map.of("currentVersion", current.version()));
        }
        boolean textsChanged = !current.phrasings().equals(draft.phrasingsWithQuestion());
        byte[] vectors = textsChanged ? Vectors.pack(embedder.embedAll(draft.phrasingsWithQuestion())) : null;
        KnowledgeItem next = new KnowledgeItem(id, tenantId, draft.question(), draft.similarQuestions(), draft.answer(), draft.category(),
                draft.keywords(), draft.validFrom(), draft.validUntil(), draft.enabled(), current.version() + 1, current.createdBy(),
                current.createdAt(), by, clock.instant());
        tx.executeWithoutResult(s -> {
            var same = items.findByQuestion(tenantId, draft.questionKey());
            if (same.isPresent() && !same.get().id().equals(id)) {
                throw new KefuProblemException(ProblemType.CONFLICT, "Another item has this question");
            }
            if (!items.update(next, current.version(), vectors, vectors == null ? null : Embedder.MODEL)) {
                throw new KefuProblemException(ProblemType.CONFLICT, "The item changed meanwhile; read it again");
            }
            events.publishEvent(new KnowledgeChanged(tenantId, List.of(id)));
        });
        return next;
    }

    public void delete(UUID tenantId, UUID id) {
        tx.executeWithoutResult(s -> {
            if (!items.delete(tenantId, id)) {
                throw notFound(id);
            }
            events.publishEvent(new KnowledgeChanged(tenantId, List.of(id)));
        });
    }

    static KefuProblemException notFound(UUID id) {
        return new KefuProblemException(ProblemType.NOT_FOUND, "No knowledge item " + id);
    }
}
