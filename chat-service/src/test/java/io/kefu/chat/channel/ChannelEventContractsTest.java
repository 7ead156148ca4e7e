package io.kefu.chat.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import io.kefu.chat.events.MessageSent;
import io.kefu.chat.events.WecomStaffMessage;
import io.kefu.common.event.EventJson;
import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

/** The committed samples match what chat-service emits, and the delivery consumer reads what it needs from them. */
class ChannelEventContractsTest {

    private static final Path CONTRACTS = Path.of("contracts/events");

    @Test
    void messageSentMatchesItsSample() {
        MessageSent event = new MessageSent(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "staff", "mp",
                UUID.randomUUID(), "oVxKq5Yl3bC0aF9dE2hG7iJ4kLmN", "image", "订单截图",
                EventJson.mapper().createObjectNode().put("fileId", UUID.randomUUID().toString()), Instant.now());
        EventContracts.assertMatchesSample(event, "chat.message.sent.v1", CONTRACTS);
    }

    @Test
    void wecomStaffMessageMatchesItsSample() {
        WecomStaffMessage event = new WecomStaffMessage("ww0123456789abcdef", 1000002, "zhangsan", "text", "#问题已解决", "7425512348329651234",
                Instant.now());
        EventContracts.assertMatchesSample(event, "chat.wecom.staff-message.v1", CONTRACTS);
    }

    @Test
    void deliveryReadsTheFieldsItUsesFromTheMessageSentSample() {
        ChannelDelivery.SentMessage sent = EventContracts.readSampleData(CONTRACTS, "chat.message.sent.v1", ChannelDelivery.SentMessage.class);
        assertThat(sent.messageId()).isEqualTo(UUID.fromString("9d3b2c1a-6e5f-4a7b-8c9d-0e1f2a3b4c5d"));
        assertThat(sent.conversationId()).isNotNull();
        assertThat(sent.channel()).isEqualTo("mp");
        assertThat(sent.channelAccountId()).isEqualTo(UUID.fromString("1e2d3c4b-5a69-4788-96a5-b4c3d2e1f0a9"));
        assertThat(sent.channelUserId()).isEqualTo("oVxKq5Yl3bC0aF9dE2hG7iJ4kLmN");
        assertThat(sent.type()).isEqualTo("image");
        assertThat(sent.content()).isEqualTo("订单截图");
        assertThat(sent.extra().path("fileId").asString()).isEqualTo("6f5e4d3c-2b1a-4c9d-8e7f-6a5b4c3d2e1f");
    }

    @Test
    void answerDeliveryReadsRoutingsStaffCommandAnswerSample() {
        ChannelDelivery.StaffCommandAnswer answer = EventContracts.readSampleData(Path.of("../routing-service/contracts/events"),
                "routing.staff-command.answered.v1", ChannelDelivery.StaffCommandAnswer.class);
        assertThat(answer.corpId()).isEqualTo("ww1234567890abcdef");
        assertThat(answer.agentId()).isEqualTo(1000002);
        assertThat(answer.staffUserId()).isEqualTo("LiKeFu");
        assertThat(answer.text()).isNotBlank();
        assertThat(answer.msgId()).isNotBlank();
    }
}
