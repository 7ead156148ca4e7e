package io.kefu.kbai.answer;

import java.util.UUID;

import io.kefu.kbai.retrieval.KnowledgeSearch;
import org.springframework.stereotype.Component;

/** The answer package's view of retrieval ({@link KnowledgeSearch}): the band and the closest items. */
@Component
class KnowledgeLookup {

    private final KnowledgeSearch search;

    KnowledgeLookup(KnowledgeSearch search) {
        this.search = search;
    }

    Evidence search(UUID tenantId, String question, int topK) {
        var result = search.search(tenantId, question, topK);
        return new Evidence(Band.valueOf(result.band().name()), result.hits().stream()
                .map(h -> new Evidence.Item(h.itemId(), h.question(), h.answer(), h.category(), h.score())).toList());
    }
}
