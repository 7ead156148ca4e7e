package io.kefu.routing.queue;

import java.nio.file.Path;

import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** routing's own record of kb-ai's hand-off reads kb-ai's committed sample. */
class AiHandOffsReadKbAiSampleTest {

    @Test
    void theHandOffIsReadable() {
        AiHandOffs.HandedOff handedOff = EventContracts.readSampleData(Path.of("../kb-ai-service/contracts/events"),
                "kb.conversation.handed-off.v1", AiHandOffs.HandedOff.class);
        assertThat(handedOff.conversationId()).isNotNull();
        assertThat(handedOff.reason()).isEqualTo("model_failed");
        assertThat(handedOff.intent()).isEqualTo("aftersale");
        assertThat(AiHandOffs.reason(handedOff.reason())).isEqualTo("ai_model_failed");
        assertThat(AiHandOffs.reason("asked_for_human")).isEqualTo("asked_for_human");
    }
}
