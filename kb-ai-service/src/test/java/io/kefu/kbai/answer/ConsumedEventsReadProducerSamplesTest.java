package io.kefu.kbai.answer;

import java.nio.file.Path;

import io.kefu.kbai.answer.AnswerConsumers.AiAnswerRequested;
import io.kefu.kbai.answer.AnswerConsumers.MessageLine;
import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** kb-ai's own records of routing's and chat's events read the producers' committed samples. */
class ConsumedEventsReadProducerSamplesTest {

    static final Path ROUTING = Path.of("../routing-service/contracts/events");
    static final Path CHAT = Path.of("../chat-service/contracts/events");

    @Test
    void routingsRequestIsReadable() {
        AiAnswerRequested request = EventContracts.readSampleData(ROUTING, "routing.ai.requested.v1", AiAnswerRequested.class);
        assertThat(request.conversationId()).isNotNull();
        assertThat(request.customerId()).isNotNull();
        assertThat(request.messageId()).isNotNull();
        assertThat(request.content()).isNotBlank();
        assertThat(request.requestedAt()).isNotNull();
    }

    @Test
    void chatsMessageLinesAreReadable() {
        MessageLine received = EventContracts.readSampleData(CHAT, "chat.message.received.v1", MessageLine.class);
        assertThat(received.messageId()).isNotNull();
        assertThat(received.conversationId()).isNotNull();
        assertThat(received.channel()).isEqualTo("mp");
        assertThat(received.content()).isNotBlank();
        assertThat(received.createdAt()).isNotNull();
        MessageLine sent = EventContracts.readSampleData(CHAT, "chat.message.sent.v1", MessageLine.class);
        assertThat(sent.senderType()).isEqualTo("staff");
        assertThat(sent.type()).isEqualTo("image");
    }
}
