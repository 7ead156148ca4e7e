package io.kefu.kbai.events;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventPublisher;
import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** kb-ai's answer events have the shape of their committed samples, which chat, routing and stats test against. */
class KbAiEventContractsTest {

    static final Path CONTRACTS = Path.of("contracts/events");
    final UUID id = UUID.randomUUID();
    final Instant now = Instant.now();

    @Test
    void answerEventsMatchTheirSamples() {
        EventContracts.assertMatchesSample(new AnswerSent(id, id, id, id, "营业时间 9:00-21:00", "auto", "auto", 0.94, id, "kb", now),
                "kb.answer.sent.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new AnswerDrafted(id, id, "draft", 0.74, true, "aftersale", "qwen-plus", now), "kb.answer.drafted.v1",
                CONTRACTS);
        EventContracts.assertMatchesSample(new AnswerReviewed(id, id, "edited", "draft", 0.74, id, now), "kb.answer.reviewed.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new ConversationHandedOff(id, id, id, "model_failed", "aftersale", "fallback", 0.41, false, true, now),
                "kb.conversation.handed-off.v1", CONTRACTS);
    }

    @Test
    void aCustomerWaitingRanksAboveStatisticsAndAComplaintAboveThat() {
        assertThat(EventPublisher.priorityOf(new AnswerSent(id, id, id, id, "x", "auto", "auto", 1, null, "kb", now))).isEqualTo(7);
        assertThat(EventPublisher.priorityOf(new AnswerReviewed(id, id, "edited", "draft", 0.7, null, now))).isEqualTo(3);
        assertThat(EventPublisher.priorityOf(new ConversationHandedOff(id, id, id, "complaint", "complaint", "auto", 1, true, true, now)))
                .isEqualTo(8);
        assertThat(EventPublisher.priorityOf(new ConversationHandedOff(id, id, id, "empty_kb", "other", "fallback", 0, false, true, now)))
                .isEqualTo(7);
    }
}
