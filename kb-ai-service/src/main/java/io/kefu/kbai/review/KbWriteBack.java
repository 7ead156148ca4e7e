package io.kefu.kbai.review;

import java.util.UUID;

import io.kefu.kbai.answer.AnswerRow;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A reviewer's edit saved back into the KB, through the knowledge package's public API, in the caller's transaction. */
@Component
class KbWriteBack {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The best item the draft drew on, when any. */
    @Nullable UUID bestItem(AnswerRow row) {
        JsonNode items = JSON.readTree(row.itemsJson());
        if (!items.isArray() || items.isEmpty() || !items.get(0).hasNonNull("itemId")) {
            return null;
        }
        return UUID.fromString(items.get(0).get("itemId").asString());
    }

    void save(AnswerRow row, @Nullable UUID itemId, String answer, SaveToKb what, UUID by) {
        // TODO(kbai2): through knowledge's public API once it is on main
        throw new io.kefu.common.error.KefuProblemException(io.kefu.common.error.ProblemType.UNAVAILABLE, "saving to the KB is not available yet");
    }
}
