package io.kefu.chat.channel;

import java.nio.file.Path;

import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** chat's record of ticket-service's staff-command answer reads ticket's committed sample. */
class TicketAnswerSampleTest {

    @Test
    void answerDeliveryReadsTicketsStaffCommandAnswerSample() {
        ChannelDelivery.StaffCommandAnswer answer = EventContracts.readSampleData(Path.of("../ticket-service/contracts/events"),
                "ticket.staff-command.answered.v1", ChannelDelivery.StaffCommandAnswer.class);
        assertThat(answer.corpId()).isEqualTo("ww1234567890abcdef");
        assertThat(answer.agentId()).isEqualTo(1000002);
        assertThat(answer.staffUserId()).isEqualTo("LiKeFu");
        assertThat(answer.text()).contains("记录客户".substring(0, 2));
        assertThat(answer.msgId()).isNotBlank();
    }
}
