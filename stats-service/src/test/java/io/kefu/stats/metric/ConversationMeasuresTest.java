package io.kefu.stats.metric;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.kefu.stats.metric.ConversationRow.HumanReply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-conversation definitions, with hand-computed values. */
class ConversationMeasuresTest {

    static final UUID TENANT = UUID.randomUUID();
    static final UUID AGENT = UUID.randomUUID();
    static final Instant T0 = Instant.parse("2026-11-20T02:00:00Z");

    static ConversationRow row(Instant opened, Instant ai, Instant queued, Instant assigned, Instant ended, Integer rating) {
        return new ConversationRow(UUID.randomUUID(), TENANT, UUID.randomUUID(), "mp", "default", opened, null, ai, queued, assigned, null,
                assigned == null ? null : AGENT, ended, ended == null ? null : "resolved", null, rating, rating == null ? null : ended.plusSeconds(60),
                null, null);
    }

    static Map<Metric, Measure> byMetric(List<Measure> measures) {
        return measures.stream().collect(Collectors.toMap(Measure::metric, m -> m));
    }

    @Test
    void humanConversationHasQueueWaitFrtHandlingResolutionAndCsat() {
        ConversationRow c = row(T0, null, T0, T0.plusSeconds(30), T0.plusSeconds(600), 5);
        var m = byMetric(ConversationMeasures.derive(c, List.of(new HumanReply(UUID.randomUUID(), AGENT, T0.plusSeconds(60)),
                new HumanReply(UUID.randomUUID(), AGENT, T0.plusSeconds(90)))));
        assertThat(m.get(Metric.QUEUE_WAIT).value()).isEqualTo(30);
        assertThat(m.get(Metric.FIRST_RESPONSE).value()).isEqualTo(60);
        assertThat(m.get(Metric.FIRST_RESPONSE).agentId()).isEqualTo(AGENT);
        assertThat(m.get(Metric.HANDLING).value()).isEqualTo(570);
        assertThat(m.get(Metric.RESOLUTION).value()).isEqualTo(600);
        assertThat(m.get(Metric.CSAT).good()).isTrue();
        assertThat(m).containsKey(Metric.HANDLED).doesNotContainKeys(Metric.ABANDONED, Metric.AI_CONVERSATION, Metric.AI_HANDOFF);
    }

    @Test
    void afterAnAiHandOffTheWaitForAHumanStartsAtTheHandOff() {
        ConversationRow c = row(T0, T0.plusSeconds(2), T0.plusSeconds(120), T0.plusSeconds(140), T0.plusSeconds(1200), 3);
        var m = byMetric(ConversationMeasures.derive(c, List.of(new HumanReply(UUID.randomUUID(), AGENT, T0.plusSeconds(180)))));
        assertThat(m.get(Metric.FIRST_RESPONSE).value()).isEqualTo(60);
        assertThat(m.get(Metric.QUEUE_WAIT).value()).isEqualTo(20);
        assertThat(m.get(Metric.AI_HANDOFF).at()).isEqualTo(T0.plusSeconds(120));
        assertThat(m.get(Metric.CSAT).good()).isFalse();
    }

    @Test
    void aHumanReplyBeforeTheWaitBeganIsNotAFirstResponse() {
        ConversationRow c = row(T0, T0.plusSeconds(2), T0.plusSeconds(120), T0.plusSeconds(140), null, null);
        var m = byMetric(ConversationMeasures.derive(c, List.of(new HumanReply(UUID.randomUUID(), AGENT, T0.plusSeconds(10)))));
        assertThat(m).doesNotContainKey(Metric.FIRST_RESPONSE);
    }

    @Test
    void endedWhileQueuedIsAbandonedAndNotHandled() {
        ConversationRow c = row(T0, null, T0, null, T0.plusSeconds(300), null);
        var m = byMetric(ConversationMeasures.derive(c, List.of()));
        assertThat(m).containsKeys(Metric.ABANDONED, Metric.RESOLUTION).doesNotContainKeys(Metric.HANDLED, Metric.FIRST_RESPONSE, Metric.QUEUE_WAIT);
        assertThat(m.get(Metric.RESOLUTION).value()).isEqualTo(300);
    }

    @Test
    void anAiOnlyConversationHasNoHumanWait() {
        ConversationRow c = row(T0, T0.plusSeconds(1), null, null, T0.plusSeconds(300), null);
        assertThat(c.humanWaitStartedAt()).isNull();
        var m = byMetric(ConversationMeasures.derive(c, List.of()));
        assertThat(m).containsKeys(Metric.AI_CONVERSATION, Metric.RESOLUTION).doesNotContainKeys(Metric.ABANDONED, Metric.AI_HANDOFF);
    }

    @Test
    void kbAisHandOffCountsOnceAtTheEarlierOfItAndTheQueueing() {
        ConversationRow queuedLater = row(T0, T0.plusSeconds(5), T0.plusSeconds(90), null, null, null);
        ConversationRow handedOff = new ConversationRow(queuedLater.conversationId(), TENANT, queuedLater.customerId(), "mp", "default", T0, null,
                T0.plusSeconds(5), T0.plusSeconds(90), null, null, null, null, null, null, null, null, null, T0.plusSeconds(30));
        List<Measure> measures = ConversationMeasures.derive(handedOff, List.of());
        assertThat(measures.stream().filter(m -> m.metric() == Metric.AI_HANDOFF)).singleElement()
                .satisfies(m -> assertThat(m.at()).isEqualTo(T0.plusSeconds(30)));
        ConversationRow notYetQueued = new ConversationRow(queuedLater.conversationId(), TENANT, null, "mp", null, T0, null, T0.plusSeconds(5), null,
                null, null, null, null, null, null, null, null, null, T0.plusSeconds(30));
        assertThat(byMetric(ConversationMeasures.derive(notYetQueued, List.of()))).containsKey(Metric.AI_HANDOFF).doesNotContainKey(Metric.QUEUE_ENTERED);
    }
}
