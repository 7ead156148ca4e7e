package io.kefu.kbai.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * The AI has an answer for the customer: chat posts {@code content} into the conversation as an AI
 * message (a request to chat, and a fact for stats). {@code origin}: {@code auto} (a KB answer above the
 * upper threshold, sent at once), {@code reviewed} (a draft a reviewer sent, as is or edited), {@code
 * fallback} (the polite notice that a person will answer; a hand-off follows) or {@code holding} (the
 * notice that the answer is being checked while a draft waits for review).
 *
 * @param band   auto, draft or fallback: what retrieval said of the question
 * @param score  the calibrated score of the best item (0 when the KB had none)
 * @param itemId the KB item the answer came from, when one did
 * @param model  the chat model that wrote it, {@code kb} when the KB text went out as it is
 */
@EventType(value = "kb.answer.sent.v1", priority = 7)
public record AnswerSent(UUID answerId, UUID conversationId, UUID customerId, UUID messageId, String content, String origin,
        String band, double score, @Nullable UUID itemId, String model, Instant sentAt) {
}
