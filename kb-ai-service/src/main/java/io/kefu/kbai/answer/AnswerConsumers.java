package io.kefu.kbai.answer;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventHandlers;
import io.kefu.common.event.MalformedEventException;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * kb-ai's consumers. {@code aiRequests} (exchange kefu.routing, group {@code kb-ai}): routing asks the AI
 * to answer a customer's message; inside the inbox transaction the question is only claimed (a row
 * with a lease), and the answer is made after the commit, off the consumer thread ({@link Answerer}),
 * so no model call ever runs inside a transaction and a slow model holds up no other conversation.
 * {@code chatLines} (exchange kefu.chat, group {@code kb-ai}): the conversation's lines, for the prompt
 * and the reviewer. Each record below is kb-ai's own view of the producer's event.
 */
@Configuration(proxyBeanMethods = false)
class AnswerConsumers {

    /** What kb-ai reads of routing.ai.requested.v1. */
    record AiAnswerRequested(UUID conversationId, UUID customerId, UUID messageId, @Nullable String content, Instant requestedAt) {
    }

    /** What kb-ai reads of chat.message.received.v1 and chat.message.sent.v1. */
    record MessageLine(UUID messageId, UUID conversationId, @Nullable String senderType, @Nullable String channel, @Nullable String type,
            @Nullable String content, Instant createdAt) {
    }

    @Bean
    Consumer<Message<byte[]>> aiRequests(EventHandlers handlers, Answers answers, Answerer answerer, Transcript transcript,
            @Qualifier("answerExecutor") Executor executor, LiveProperties<AnswerProperties> properties, Clock clock) {
        return handlers.consumer("kb-ai")
                .on("routing.ai.requested.v1", AiAnswerRequested.class, (data, envelope) -> {
                    Instant now = clock.instant();
                    String question = data.content() == null ? "" : data.content();
                    answers.claim(tenant(envelope), data.conversationId(), data.customerId(), data.messageId(),
                            question.length() > 4000 ? question.substring(0, 4000) : question, transcript.channelOf(data.conversationId()),
                            data.requestedAt(), now, now.plus(properties.get().lease()))
                            .ifPresent(id -> TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                                @Override
                                public void afterCommit() {
                                    try {
                                        executor.execute(() -> answerer.answer(id, 1));
                                    } catch (RuntimeException busy) {
                                        // left pending: the retry job answers it when the lease runs out
                                    }
                                }
                            }));
                })
                .build();
    }

    /**
     * A batch consumer (binding {@code chatLines-in-0} in batch mode, application.yml): every chat line of every
     * tenant comes through here, so under load the lines of a batch share one transaction (one commit, one inbox
     * insert) instead of one each — each line still stored once. The batch is sorted by conversation, which keeps a
     * conversation's lines in order; the insert locks nothing but its own new row.
     */
    @Bean
    Consumer<Message<List<byte[]>>> chatLines(EventHandlers handlers, Transcript transcript) {
        return handlers.consumer("kb-ai")
                .on("chat.message.received.v1", MessageLine.class, (data, envelope) -> line(transcript, envelope, data, "customer"))
                .on("chat.message.sent.v1", MessageLine.class, (data, envelope) -> line(transcript, envelope, data, data.senderType()))
                .buildBatch(envelope -> String.valueOf(envelope.subject()));
    }

    private static void line(Transcript transcript, EventEnvelope envelope, MessageLine data, @Nullable String senderType) {
        String content = "text".equals(data.type()) || data.type() == null ? data.content() : "[" + data.type() + "]";
        transcript.add(data.messageId(), tenant(envelope), data.conversationId(), senderType == null ? "system" : senderType, data.channel(),
                content == null ? "" : content.length() > 2000 ? content.substring(0, 2000) : content, data.createdAt());
    }

    static UUID tenant(EventEnvelope envelope) {
        try {
            return UUID.fromString(envelope.tenantId());
        } catch (RuntimeException e) {
            throw new MalformedEventException(envelope.type() + " " + envelope.id() + " has no tenant", e);
        }
    }
}
