package io.kefu.kbai.review;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.kbai.answer.AnswerRow;
import io.kefu.kbai.knowledge.ItemDraft;
import io.kefu.kbai.knowledge.KnowledgeItem;
import io.kefu.kbai.knowledge.KnowledgeService;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A reviewer's edit saved back into the KB through the knowledge package's public API
 * ({@link KnowledgeService#update}), inside the reviewer's transaction: the answer is sent and the item
 * changed together, or neither. The item's version is checked, so an edit made meanwhile by an admin
 * is not overwritten (409).
 */
@Component
class KbWriteBack {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KnowledgeService knowledge;

    KbWriteBack(KnowledgeService knowledge) {
        this.knowledge = knowledge;
    }

    /** The best item the draft drew on, when any. */
    @Nullable UUID bestItem(AnswerRow row) {
        JsonNode items = JSON.readTree(row.itemsJson());
        if (!items.isArray() || items.isEmpty() || !items.get(0).hasNonNull("itemId")) {
            return null;
        }
        return UUID.fromString(items.get(0).get("itemId").asString());
    }

    /** phrasing: the customer's question becomes another phrasing of the item; answer: the sent text becomes its answer. */
    void save(AnswerRow row, @Nullable UUID itemId, String answer, SaveToKb what, UUID by) {
        if (itemId == null) {
            throw new KefuProblemException(ProblemType.VALIDATION, "saveToKb: the draft drew on no KB item");
        }
        KnowledgeItem item = knowledge.get(row.tenantId(), itemId);
        List<String> similar = new ArrayList<>(item.similarQuestions());
        if (what == SaveToKb.PHRASING) {
            similar.add(row.question().strip());
        }
        ItemDraft draft = ItemDraft.of(item.question(), similar, what == SaveToKb.ANSWER ? answer : item.answer(), item.category(),
                item.keywords(), item.validFrom(), item.validUntil(), item.enabled());
        knowledge.update(row.tenantId(), itemId, draft, item.version(), by);
    }
}
