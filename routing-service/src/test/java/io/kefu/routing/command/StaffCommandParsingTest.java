package io.kefu.routing.command;

import java.nio.file.Path;
import java.util.Optional;

import io.kefu.routing.command.StaffCommands.Command;
import io.kefu.routing.command.StaffCommands.StaffMessage;
import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How an employee's WeCom text becomes a staff command, and chat's event read into routing's record. */
class StaffCommandParsingTest {

    @Test
    void aCommandMayNameAConversationAndCarryANote() {
        assertThat(Command.parse("#转接工程师")).contains(new Command("转接工程师", null, null));
        assertThat(Command.parse("  #问题已解决 3F2A1B0C  已补发配件 ")).contains(new Command("问题已解决", "3f2a1b0c", "已补发配件"));
        assertThat(Command.parse("＃问题已解决：3f2a1b0c")).contains(new Command("问题已解决", "3f2a1b0c", null));
        assertThat(Command.parse("#转接工程师 3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c 网络故障"))
                .contains(new Command("转接工程师", "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c", "网络故障"));
        // words that merely look like hex are part of the note: a number is 8 hex characters, then a break
        assertThat(Command.parse("#转接工程师 deadbeefcafe 订单")).contains(new Command("转接工程师", null, "deadbeefcafe 订单"));
        assertThat(Command.parse("#转接工程师客户要求上门")).contains(new Command("转接工程师", null, "客户要求上门"));
        assertThat(Command.parse("#转接工程师 " + "很".repeat(2000)).orElseThrow().note()).hasSize(500);
    }

    @Test
    void ordinaryTextAndOtherCommandsAreNotRoutingCommands() {
        assertThat(Command.parse("今天几点下班")).isEmpty();
        assertThat(Command.parse("请问 #转接工程师 怎么用")).isEmpty();
        assertThat(Command.parse("#查询进度 A-1001")).isEmpty();
        assertThat(Command.parse("")).isEmpty();
        assertThat(Command.parse(null)).isEqualTo(Optional.empty());
    }

    @Test
    void chatsStaffMessageSampleReadsIntoRoutingsRecord() {
        StaffMessage message = EventContracts.readSampleData(Path.of("../chat-service/contracts/events"), "chat.wecom.staff-message.v1",
                StaffMessage.class);
        assertThat(message.corpId()).isNotBlank();
        assertThat(message.staffUserId()).isNotBlank();
        assertThat(message.msgId()).isNotBlank();
        assertThat(Command.parse(message.content())).isPresent();
    }
}
