package io.kefu.stats.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventHandlers;
import io.kefu.common.event.MalformedEventException;
import io.kefu.stats.metric.Conversations;
import io.kefu.stats.metric.Measure;
import io.kefu.stats.metric.Metric;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import static io.kefu.stats.ingest.Projection.required;
import static io.kefu.stats.ingest.Projection.tenant;

/**
 * kb-ai-service's facts (exchange kefu.kb): what the AI did with each customer question, and the
 * reviewers' verdicts on its drafts. kb-ai's own definitions, so both sides report the same figures:
 * a question is an auto-sent answer, a draft, or a hand-off at the question ({@code atQuestion}); the
 * KB hit rate is the share of those whose best item reached the lower threshold (auto answers always
 * do); AI accuracy = drafts a person sent unchanged ÷ drafts a person judged (sent as is, edited,
 * rejected — a time-out is no judgement).
 */
@Configuration(proxyBeanMethods = false)
class KbAiIngest {

    static final Set<String> JUDGEMENTS = Set.of("sent_as_is", "edited", "rejected");

    record AnswerSent(@Nullable UUID answerId, @Nullable UUID conversationId, @Nullable UUID customerId, @Nullable String origin,
            @Nullable Instant sentAt) {
    }

    record AnswerDrafted(@Nullable UUID answerId, @Nullable UUID conversationId, @Nullable Boolean kbHit, @Nullable Instant draftedAt) {
    }

    record AnswerReviewed(@Nullable UUID answerId, @Nullable UUID conversationId, @Nullable String verdict, @Nullable UUID reviewerId,
            @Nullable Instant reviewedAt) {
    }

    record HandedOff(@Nullable UUID answerId, @Nullable UUID conversationId, @Nullable UUID customerId, @Nullable Boolean kbHit,
            @Nullable Boolean atQuestion, @Nullable Instant handedOffAt) {
    }

    @Bean
    Projection kbProjection(Conversations conversations) {
        return new Projection("kb")
                .on("kb.answer.sent.v1", AnswerSent.class, (d, e) -> {
                    if ("auto".equals(required(d.origin(), "origin", e))) {
                        UUID conversation = required(d.conversationId(), "conversationId", e);
                        Instant at = required(d.sentAt(), "sentAt", e);
                        String answer = required(d.answerId(), "answerId", e).toString();
                        record(conversations, e, Metric.AI_AUTO_ANSWERED, answer, at, 1, true, conversation, null);
                        record(conversations, e, Metric.KB_HIT, answer, at, 1, true, conversation, null);
                    }
                })
                .on("kb.answer.drafted.v1", AnswerDrafted.class, (d, e) -> {
                    UUID conversation = required(d.conversationId(), "conversationId", e);
                    Instant at = required(d.draftedAt(), "draftedAt", e);
                    String answer = required(d.answerId(), "answerId", e).toString();
                    boolean hit = required(d.kbHit(), "kbHit", e);
                    record(conversations, e, Metric.AI_DRAFTED, answer, at, 1, false, conversation, null);
                    record(conversations, e, Metric.KB_HIT, answer, at, hit ? 1 : 0, hit, conversation, null);
                })
                .on("kb.answer.reviewed.v1", AnswerReviewed.class, (d, e) -> {
                    String verdict = required(d.verdict(), "verdict", e);
                    UUID conversation = required(d.conversationId(), "conversationId", e);
                    Instant at = required(d.reviewedAt(), "reviewedAt", e);
                    String answer = required(d.answerId(), "answerId", e).toString();
                    if (JUDGEMENTS.contains(verdict)) {
                        boolean asIs = verdict.equals("sent_as_is");
                        record(conversations, e, Metric.AI_ACCURACY, answer, at, asIs ? 1 : 0, asIs, conversation, d.reviewerId());
                    } else if (!verdict.equals("timed_out") && !verdict.equals("window_closing")) {
                        throw new MalformedEventException(e.type() + " " + e.id() + " has an unknown verdict: " + verdict, null);
                    }
                })
                .on("kb.conversation.handed-off.v1", HandedOff.class, (d, e) -> {
                    UUID conversation = required(d.conversationId(), "conversationId", e);
                    Instant at = required(d.handedOffAt(), "handedOffAt", e);
                    conversations.aiHandedOff(tenant(e), conversation, d.customerId(), at);
                    if (Boolean.TRUE.equals(d.atQuestion())) {
                        boolean hit = Boolean.TRUE.equals(d.kbHit());
                        // keyed by the event: a hand-off at the question may carry no answer id
                        String key = d.answerId() != null ? d.answerId().toString() : e.id();
                        record(conversations, e, Metric.KB_HIT, key, at, hit ? 1 : 0, hit, conversation, null);
                    }
                });
    }

    /** An observation with the conversation's dimensions, read under its row lock (with the batch's other rows). */
    private static void record(Conversations conversations, EventEnvelope e, Metric metric, String key, Instant at, double value, boolean good,
            UUID conversation, @Nullable UUID agent) {
        conversations.measure(tenant(e), conversation, (group, channel) -> new Measure(metric, key, at, value, good, conversation, agent, group,
                channel));
    }

    @Bean
    Consumer<Message<List<byte[]>>> kbEvents(EventHandlers handlers, StoredEvents stored, Projection kbProjection) {
        return kbProjection.consumer(handlers, stored);
    }
}
