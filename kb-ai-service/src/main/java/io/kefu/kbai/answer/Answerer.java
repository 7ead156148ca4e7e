package io.kefu.kbai.answer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.kefu.common.config.LiveProperties;
import io.kefu.kbai.answer.AnswerPolicy.Action;
import io.micrometer.core.instrument.MeterRegistry;
import io.kefu.kbai.answer.AnswerPolicy.Decision;
import io.kefu.kbai.events.AnswerDrafted;
import io.kefu.kbai.intent.Intent;
import io.kefu.kbai.intent.IntentClassifier;
import io.kefu.kbai.llm.AiSettings;
import io.kefu.kbai.llm.ChatModels;
import io.kefu.kbai.llm.Completion;
import io.kefu.kbai.llm.ModelFailure;
import io.kefu.kbai.llm.Prompts;
import io.kefu.kbai.llm.TenantAi;
import io.kefu.kbai.tenant.TenantRuleBook;
import io.kefu.kbai.tenant.TenantRules;
import io.kefu.common.event.EventPublisher;
import jakarta.annotation.PreDestroy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers one claimed question: claim → commit → call → record. The claim was committed by the
 * consumer ({@link AnswerConsumers}); here retrieval and the model are asked with no transaction open,
 * then the outcome is recorded in one short transaction together with its events, on the condition
 * that the claim is still this attempt's. A model call has no effect outside (the customer sees only
 * what is recorded), so a claim whose lease ran out is simply answered again by {@link AnswerJobs};
 * after {@code maxAttempts} the customer gets the fallback and a person.
 *
 * <p>The tenant's rules ({@link TenantRules}, auth's config) apply on top of the bands: a blacklisted
 * customer or word goes to a person before any retrieval; with auto mode off the top band becomes a
 * draft (whitelisted customers excepted); outside business hours the notices say when people are back;
 * a tenant auth disabled gets nothing (the question is withdrawn before retrieval);
 * an automatic answer waits for the reply delay — on a timer, with the claim's lease stretched past it,
 * so no thread and no transaction is held meanwhile (a restart leaves the claim to the retry job).
 */
@Component
class Answerer {

    private static final Logger log = LoggerFactory.getLogger(Answerer.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Answers answers;
    private final KnowledgeLookup knowledge;
    private final IntentClassifier intents;
    private final AiSettings settings;
    private final ChatModels models;
    private final Transcript transcript;
    private final Replies replies;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final LiveProperties<AnswerProperties> properties;
    private final Clock clock;
    private final TenantRuleBook tenantRules;
    private final ScheduledExecutorService delays;
    private final Executor executor;
    private final MeterRegistry meters;

    Answerer(Answers answers, KnowledgeLookup knowledge, IntentClassifier intents, AiSettings settings, ChatModels models,
            Transcript transcript, Replies replies, EventPublisher events, TransactionTemplate tx, LiveProperties<AnswerProperties> properties,
            Clock clock, TenantRuleBook tenantRules, @Qualifier("answerExecutor") Executor executor, MeterRegistry meters) {
        this.tenantRules = tenantRules;
        this.meters = meters;
        // The timer of the reply delays; it only hands a due answer to the executor. Not a bean: a
        // ScheduledExecutorService bean would replace Boot's task scheduler. Dropped at shutdown with what
        // it holds: those claims stay pending and the retry job answers them after their lease.
        this.delays = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("kb-reply-delay").factory());
        this.executor = executor;
        this.answers = answers;
        this.knowledge = knowledge;
        this.intents = intents;
        this.settings = settings;
        this.models = models;
        this.transcript = transcript;
        this.replies = replies;
        this.events = events;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    @PreDestroy
    void stopTimer() {
        delays.shutdownNow();
    }

    /** What was decided, ready to record. */
    private record Outcome(String status, Evidence evidence, Intent intent, @Nullable String text, String model, int inputTokens,
            int outputTokens, @Nullable String reason, @Nullable String failure) {
    }

    /** Answers attempt {@code attempt} of question {@code id}; never throws (a failure becomes the fallback). */
    void answer(UUID id, int attempt) {
        AnswerRow row = answers.find(id).orElse(null);
        if (row == null || !"pending".equals(row.status()) || row.attempts() != attempt) {
            return;
        }
        Outcome outcome;
        TenantRules rules = TenantRules.NONE;
        try {
            rules = tenantRules.of(row.tenantId());
            if (!rules.active()) {
                // disabled in auth: nothing for it — no retrieval, no model call, no message, no draft
                answers.withdraw(id, attempt, clock.instant());
                return;
            }
            outcome = attempt > properties.get().maxAttempts()
                    ? new Outcome("handed_off", new Evidence(Band.FALLBACK, List.of()), Intent.OTHER, null, "kb", 0, 0, "model_failed",
                            "gave up after " + (attempt - 1) + " attempts")
                    : decide(row, rules);
        } catch (RuntimeException e) {
            log.warn("question {} of conversation {}: no answer, handing over", id, row.conversationId(), e);
            outcome = new Outcome("handed_off", new Evidence(Band.FALLBACK, List.of()), Intent.OTHER, null, "kb", 0, 0, "model_failed",
                    e.toString());
        }
        if ("sent".equals(outcome.status()) && rules.replyDelay() > 0) {
            Instant sendAt = row.customerWroteAt().plusSeconds(rules.replyDelay());
            Duration wait = Duration.between(clock.instant(), sendAt);
            if (wait.isPositive()) {
                later(row, attempt, outcome, rules, sendAt, wait);
                return;
            }
        }
        record(row, attempt, outcome, rules);
    }

    /** The reply delay: the claim is held past {@code sendAt}, and a timer records the answer then. */
    private void later(AnswerRow row, int attempt, Outcome outcome, TenantRules rules, Instant sendAt, Duration wait) {
        if (!answers.extendLease(row.id(), attempt, sendAt.plus(properties.get().lease()))) {
            return; // taken by another attempt meanwhile
        }
        try {
            delays.schedule(() -> executor.execute(() -> record(row, attempt, outcome, rules)), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException shuttingDown) {
            // left pending with its lease: the retry job answers it after the lease
        }
    }

    private Outcome decide(AnswerRow row, TenantRules rules) {
        AnswerProperties p = properties.get();
        String question = row.question().strip();
        boolean whitelisted = rules.whitelisted(row.customerId());
        if (!whitelisted && rules.blacklisted(row.customerId(), question).isPresent()) {
            // never answered by the AI, not even looked up: a person takes it
            Intent intent = intents.fromWords(question, List.of());
            return new Outcome("handed_off", new Evidence(Band.FALLBACK, List.of()), intent == null ? Intent.OTHER : intent, null, "kb", 0, 0,
                    "blacklisted", null);
        }
        TenantAi ai = settings.of(row.tenantId());
        Evidence evidence = question.isEmpty() ? new Evidence(Band.FALLBACK, List.of()) : knowledge.search(row.tenantId(), question, p.topK());
        Intent intent = intents.fromWords(question, evidence.items().stream().map(Evidence.Item::category).toList());
        if (intent == null) {
            intent = ai.hasModel() && p.modelIntent() && evidence.band() != Band.AUTO && !question.isEmpty() ? modelIntent(row, ai, question)
                    : Intent.OTHER;
        }
        Decision decision = AnswerPolicy.withTenantRules(AnswerPolicy.decide(question, evidence, intent, ai.hasModel(), ai.lowBand()),
                rules.autoMode() || whitelisted);
        Evidence.Item best = evidence.best();
        return switch (decision.action()) {
            case SEND_KB -> new Outcome("sent", evidence, intent, best.answer(), "kb", 0, 0, null, null);
            case KB_DRAFT -> new Outcome("draft", evidence, intent, best.answer(), "kb", 0, 0, null, null);
            case HAND_OFF -> new Outcome("handed_off", evidence, intent, null, "kb", 0, 0, decision.reason(), null);
            case REWRITE_DRAFT, COMPOSE_DRAFT -> draft(row, ai, question, evidence, intent, decision.action());
        };
    }

    private Outcome draft(AnswerRow row, TenantAi ai, String question, Evidence evidence, Intent intent, Action action) {
        List<Prompts.Line> history = transcript.last(row.conversationId(), properties.get().historyLines(), row.messageId()).stream()
                .map(l -> new Prompts.Line(speaker(l.senderType()), l.content())).toList();
        List<Prompts.Source> sources = evidence.items().stream().map(i -> new Prompts.Source(i.question(), i.answer())).toList();
        var prompt = action == Action.REWRITE_DRAFT ? Prompts.rewrite(question, sources.getFirst(), history)
                : Prompts.compose(question, sources, history);
        try {
            Completion completion = models.complete(row.tenantId(), ai.model(), prompt);
            if (Prompts.notCovered(completion.text())) {
                return new Outcome("handed_off", evidence, intent, null, completion.model(), completion.inputTokens(),
                        completion.outputTokens(), AnswerPolicy.afterModelFailure(true).reason(), "the model says the KB does not cover it");
            }
            return new Outcome("draft", evidence, intent, completion.text(), completion.model(), completion.inputTokens(),
                    completion.outputTokens(), null, null);
        } catch (ModelFailure e) {
            log.info("question {} of tenant {}: model {} gave no answer: {}", row.id(), row.tenantId(), ai.model(), e.getMessage());
            return new Outcome("handed_off", evidence, intent, null, ai.model().model(), 0, 0, AnswerPolicy.afterModelFailure(false).reason(),
                    e.getMessage());
        }
    }

    private Intent modelIntent(AnswerRow row, TenantAi ai, String question) {
        try {
            return IntentClassifier.fromModel(models.complete(row.tenantId(), ai.model(),
                    Prompts.intent(question, IntentClassifier.MODEL_QUESTION)).text());
        } catch (ModelFailure e) {
            return Intent.OTHER;
        }
    }

    private void record(AnswerRow row, int attempt, Outcome o, TenantRules rules) {
        Evidence e = o.evidence();
        AnswerProperties p = properties.get();
        String offHours = replies.offHoursNotice(rules, clock.instant());
        Evidence.Item best = e.best();
        String band = e.band().code();
        List<Object> items = new ArrayList<>();
        for (Evidence.Item i : e.items()) {
            items.add(java.util.Map.of("itemId", i.itemId().toString(), "question", i.question(), "score", i.score()));
        }
        String itemsJson = JSON.writeValueAsString(items);
        Boolean decided = tx.execute(status -> {
            String answer = "sent".equals(o.status()) ? o.text() : null;
            String draft = "draft".equals(o.status()) ? o.text() : null;
            boolean done = answers.decide(row.id(), attempt, o.status(), e, o.intent().code(), itemsJson, draft, answer,
                    "sent".equals(o.status()) ? "auto" : null, o.model(), o.inputTokens(), o.outputTokens(), o.reason(), o.failure(),
                    clock.instant());
            if (!done) {
                return false; // answered meanwhile by another attempt
            }
            switch (o.status()) {
                case "sent" -> replies.send(row, o.text(), "auto", band, e.score(), best == null ? null : best.itemId(), o.model());
                case "draft" -> {
                    events.publish(new AnswerDrafted(row.id(), row.conversationId(), band, e.score(), e.kbHit(), o.intent().code(), o.model(),
                            clock.instant()), row.tenantId().toString(), row.conversationId().toString());
                    String holding = offHours != null ? offHours : p.holdingMessage();
                    if (!holding.isBlank()) {
                        replies.send(row, holding, "holding", band, e.score(), null, "kb");
                    }
                }
                default -> replies.handOff(row, o.reason(), o.intent().code(), band, e.score(), e.kbHit(), true, offHours);
            }
            return true;
        });
        if (Boolean.TRUE.equals(decided)) {
            // Ops' view of the answer policy: how questions split between the bands and what became of them.
            meters.counter("kefu.ai.answers", "band", band, "outcome", switch (o.status()) {
                case "sent" -> "sent";
                case "draft" -> "drafted";
                default -> "handed_off";
            }).increment();
        }
    }

    private static String speaker(String senderType) {
        return switch (senderType) {
            case "customer" -> "客户";
            case "staff" -> "客服";
            case "ai" -> "AI客服";
            default -> "系统";
        };
    }
}
