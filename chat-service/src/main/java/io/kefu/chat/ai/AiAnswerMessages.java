package io.kefu.chat.ai;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.MessageType;
import io.kefu.chat.conversation.SenderType;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.event.EventHandlers;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import tools.jackson.databind.json.JsonMapper;

/**
 * What chat does with kb-ai-service's answers (exchange kefu.kb, group {@code chat}): each
 * {@code kb.answer.sent.v1} becomes an AI message in the conversation (sender type {@code ai}), with the
 * answer's origin, band, score, KB item and model in its {@code extra}; it then leaves through the
 * customer's channel like any outbound message. A conversation that ended meanwhile gets nothing
 * (nothing to retry). The record is chat's own view of kb-ai's event.
 */
@Configuration(proxyBeanMethods = false)
class AiAnswerMessages {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record AnswerSent(UUID answerId, UUID conversationId, String content, @Nullable String origin, @Nullable String band, double score,
            @Nullable UUID itemId, @Nullable String model) {
    }

    @Bean
    Consumer<Message<byte[]>> aiAnswers(EventHandlers handlers, MessageSending conversations) {
        return handlers.consumer("chat")
                .on("kb.answer.sent.v1", AnswerSent.class, (data, envelope) -> {
                    if (data.content() == null || data.content().isBlank()) {
                        return;
                    }
                    try {
                        conversations.post(data.conversationId(), SenderType.AI, MessageType.TEXT, data.content(), JSON.valueToTree(extra(data)));
                    } catch (KefuProblemException ended) {
                        if (ended.problem().status().is5xxServerError()) {
                            throw ended;
                        }
                    }
                })
                .build();
    }

    static Map<String, Object> extra(AnswerSent data) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("aiAnswerId", data.answerId().toString());
        extra.put("origin", data.origin());
        extra.put("band", data.band());
        extra.put("score", data.score());
        if (data.itemId() != null) {
            extra.put("kbItemId", data.itemId().toString());
        }
        extra.put("model", data.model());
        return extra;
    }
}
