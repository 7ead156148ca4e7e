package io.kefu.kbai.answer;

import java.util.List;
import java.util.UUID;

import io.kefu.kbai.answer.AnswerPolicy.Action;
import io.kefu.kbai.intent.Intent;
import io.kefu.kbai.llm.LowBand;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerPolicyTest {

    static Evidence evidence(Band band, double score) {
        return new Evidence(band, List.of(new Evidence.Item(UUID.randomUUID(), "营业时间？", "9:00-21:00", "售前", score)));
    }

    static AnswerPolicy.Decision decide(Evidence e, boolean model, LowBand low) {
        return AnswerPolicy.decide("几点开门", e, Intent.OTHER, model, low);
    }

    @Test
    void theUpperBandSendsTheKbAnswerAtOnceWithOrWithoutAModel() {
        assertThat(decide(evidence(Band.AUTO, 0.95), true, LowBand.REVIEW).action()).isEqualTo(Action.SEND_KB);
        assertThat(decide(evidence(Band.AUTO, 0.95), false, LowBand.HUMAN).action()).isEqualTo(Action.SEND_KB);
    }

    @Test
    void theMiddleBandIsADraftRewrittenByTheModelOrTheKbAnswerItselfWithoutOne() {
        assertThat(decide(evidence(Band.DRAFT, 0.7), true, LowBand.REVIEW).action()).isEqualTo(Action.REWRITE_DRAFT);
        assertThat(decide(evidence(Band.DRAFT, 0.7), false, LowBand.REVIEW).action()).isEqualTo(Action.KB_DRAFT);
        assertThat(decide(evidence(Band.DRAFT, 0.7), true, LowBand.REVIEW).needsModel()).isTrue();
    }

    @Test
    void theLowBandIsAModelDraftUnlessTheTenantWantsAPersonOrHasNoModel() {
        assertThat(decide(evidence(Band.FALLBACK, 0.3), true, LowBand.REVIEW).action()).isEqualTo(Action.COMPOSE_DRAFT);
        assertThat(decide(evidence(Band.FALLBACK, 0.3), true, LowBand.HUMAN)).isEqualTo(new AnswerPolicy.Decision(Action.HAND_OFF,
                "low_confidence"));
        assertThat(decide(evidence(Band.FALLBACK, 0.3), false, LowBand.REVIEW).reason()).isEqualTo("low_confidence");
    }

    @Test
    void withTheTenantsAutoModeOffTheUpperBandBecomesADraftOfTheKbAnswerAndNothingElseChanges() {
        var send = decide(evidence(Band.AUTO, 0.95), true, LowBand.REVIEW);
        assertThat(AnswerPolicy.withTenantRules(send, false).action()).isEqualTo(Action.KB_DRAFT);
        assertThat(AnswerPolicy.withTenantRules(send, true).action()).isEqualTo(Action.SEND_KB);
        var rewrite = decide(evidence(Band.DRAFT, 0.7), true, LowBand.REVIEW);
        assertThat(AnswerPolicy.withTenantRules(rewrite, false)).isEqualTo(rewrite);
        var handOff = decide(evidence(Band.FALLBACK, 0.3), true, LowBand.HUMAN);
        assertThat(AnswerPolicy.withTenantRules(handOff, false)).isEqualTo(handOff);
    }

    @Test
    void anEmptyKbAnEmptyQuestionAPersonAskedForOrAComplaintGoToPeople() {
        assertThat(decide(new Evidence(Band.FALLBACK, List.of()), true, LowBand.REVIEW).reason()).isEqualTo("empty_kb");
        assertThat(AnswerPolicy.decide("  ", evidence(Band.AUTO, 0.99), Intent.OTHER, true, LowBand.REVIEW).reason()).isEqualTo("not_understood");
        assertThat(AnswerPolicy.decide("转人工", evidence(Band.AUTO, 0.99), Intent.HUMAN, true, LowBand.REVIEW).reason())
                .isEqualTo("asked_for_human");
        assertThat(AnswerPolicy.decide("我要投诉", evidence(Band.AUTO, 0.99), Intent.COMPLAINT, true, LowBand.REVIEW).reason())
                .isEqualTo("complaint");
    }

    @Test
    void aModelThatFailsOrSaysTheKbDoesNotCoverItHandsOver() {
        assertThat(AnswerPolicy.afterModelFailure(false)).isEqualTo(new AnswerPolicy.Decision(Action.HAND_OFF, "model_failed"));
        assertThat(AnswerPolicy.afterModelFailure(true).reason()).isEqualTo("not_covered");
    }

    @Test
    void theKbHitRateCountsTheUpperAndMiddleBandsOnly() {
        assertThat(evidence(Band.AUTO, 0.95).kbHit()).isTrue();
        assertThat(evidence(Band.DRAFT, 0.7).kbHit()).isTrue();
        assertThat(evidence(Band.FALLBACK, 0.3).kbHit()).isFalse();
        assertThat(new Evidence(Band.DRAFT, List.of()).kbHit()).isFalse();
    }
}
