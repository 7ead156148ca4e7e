package io.kefu.kbai.intent;

import java.util.List;

import io.kefu.common.config.LiveProperties;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class IntentClassifierTest {

    final IntentClassifier classifier = new IntentClassifier(LiveProperties.bind(new MockEnvironment(), IntentProperties.class));

    @Test
    void theCustomersOwnWordsComeFirst() {
        assertThat(classifier.fromWords("帮我转人工", List.of("售前"))).isEqualTo(Intent.HUMAN);
        assertThat(classifier.fromWords("我要投诉你们的快递", List.of())).isEqualTo(Intent.COMPLAINT);
        assertThat(classifier.fromWords("东西坏了怎么退货", List.of("售前"))).isEqualTo(Intent.AFTERSALE);
        assertThat(classifier.fromWords("这个多少钱", List.of())).isEqualTo(Intent.PRESALE);
    }

    @Test
    void thenTheCategoryOfTheBestItemsThenNothing() {
        assertThat(classifier.fromWords("营业时间", List.of("售后服务"))).isEqualTo(Intent.AFTERSALE);
        assertThat(classifier.fromWords("营业时间", List.of("产品介绍"))).isEqualTo(Intent.PRESALE);
        assertThat(classifier.fromWords("营业时间", List.of("门店"))).isNull();
        assertThat(classifier.fromWords("人工智能是什么", List.of())).isNull();
    }

    @Test
    void theModelsOneWordIsReadLeniently() {
        assertThat(IntentClassifier.fromModel(" Aftersale.")).isEqualTo(Intent.AFTERSALE);
        assertThat(IntentClassifier.fromModel("complaint")).isEqualTo(Intent.COMPLAINT);
        assertThat(IntentClassifier.fromModel("我不知道")).isEqualTo(Intent.OTHER);
        assertThat(IntentClassifier.fromModel(null)).isEqualTo(Intent.OTHER);
    }
}
