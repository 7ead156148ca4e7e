package io.kefu.kbai.retrieval;

import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.kbai.knowledge.Staff;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/kb/search}: what the knowledge base answers to a question, with the band the
 * policy would choose — for admins testing their KB and for measuring quality from outside.
 */
@RestController
@Tag(name = "Knowledge search")
class SearchController {

    static final int MAX_QUERY = 1000;

    private final KnowledgeSearch search;

    SearchController(KnowledgeSearch search) {
        this.search = search;
    }

    record SearchRequest(@Nullable String query, @Nullable Integer topK) {
    }

    record HitView(UUID itemId, String question, String answer, @Nullable String category, double score) {
    }

    record SearchResponse(String band, List<HitView> hits) {
    }

    @PostMapping("/api/kb/search")
    @Operation(summary = "Search the tenant's knowledge base: band (auto|draft|fallback) and hits with calibrated scores")
    SearchResponse search(@RequestBody SearchRequest request) {
        KefuPrincipal me = Staff.reader();
        String query = request.query();
        if (query == null || query.isBlank()) {
            throw new KefuProblemException(ProblemType.VALIDATION, "query is required");
        }
        if (query.length() > MAX_QUERY) {
            throw new KefuProblemException(ProblemType.VALIDATION, "query is longer than " + MAX_QUERY + " characters");
        }
        int topK = request.topK() == null ? 5 : request.topK();
        if (topK < 1 || topK > 50) {
            throw new KefuProblemException(ProblemType.VALIDATION, "topK must be between 1 and 50");
        }
        SearchResult result = search.search(me.tenantId(), query, topK);
        return new SearchResponse(result.band().wire(), result.hits().stream()
                .map(h -> new HitView(h.itemId(), h.question(), h.answer(), h.category(), h.score())).toList());
    }
}
