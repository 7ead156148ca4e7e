package io.kefu.kbai.knowledge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A knowledge item of a tenant: a question, its other phrasings, the answer (plain text; HTML or
 * script in it is stored and returned as text, never interpreted here), a category and keywords, an
 * optional validity window, the enabled flag, the version and who changed it when.
 */
public record KnowledgeItem(UUID id, UUID tenantId, String question, List<String> similarQuestions, String answer,
        @Nullable String category, List<String> keywords, @Nullable Instant validFrom, @Nullable Instant validUntil,
        boolean enabled, int version, @Nullable UUID createdBy, Instant createdAt, @Nullable UUID updatedBy, Instant updatedAt) {

    public KnowledgeItem {
        similarQuestions = List.copyOf(similarQuestions);
        keywords = List.copyOf(keywords);
    }

    /** The question then every other phrasing: the texts the item is found by, in the order of its stored vectors. */
    public List<String> phrasings() {
        List<String> all = new ArrayList<>(1 + similarQuestions.size());
        all.add(question);
        all.addAll(similarQuestions);
        return all;
    }

    /** Whether the item may answer at this instant: enabled and inside its validity window. */
    public boolean answersAt(Instant now) {
        return enabled && (validFrom == null || !now.isBefore(validFrom)) && (validUntil == null || now.isBefore(validUntil));
    }
}
