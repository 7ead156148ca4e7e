package io.kefu.ticket.command;

import java.nio.file.Path;

import io.kefu.testsupport.EventContracts;
import io.kefu.ticket.command.StaffCommands.Command;
import io.kefu.ticket.command.StaffCommands.Record;
import io.kefu.ticket.command.StaffCommands.StaffMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Parsing of #记录客户 / #查询进度, and chat's staff-message sample read into ticket's record. */
class StaffCommandParsingTest {

    @Test
    void commandsAreRecognisedWithHalfAndFullWidthHashes() {
        assertThat(Command.parse("#记录客户 张三 13800138000 需要客服系统")).hasValue(new Command("记录客户", "张三 13800138000 需要客服系统"));
        assertThat(Command.parse("＃查询进度")).hasValue(new Command("查询进度", null));
        assertThat(Command.parse("  #查询进度：13800138000 ")).hasValue(new Command("查询进度", "13800138000"));
        assertThat(Command.parse("#转接工程师")).isEmpty(); // routing's
        assertThat(Command.parse("记录客户 张三")).isEmpty();
        assertThat(Command.parse("#记录客户张三")).isEmpty();
        assertThat(Command.parse(null)).isEmpty();
    }

    @Test
    void aRecordNeedsNamePhoneAndNeed() {
        assertThat(Record.parse("张三 13800138000 需要 20 个端口")).hasValue(new Record("张三", "13800138000", "需要 20 个端口"));
        assertThat(Record.parse("张三，13800138000，需要")).hasValue(new Record("张三", "13800138000", "需要"));
        assertThat(Record.parse("张三 13800138000")).isEmpty();
        assertThat(Record.parse(null)).isEmpty();
    }

    @Test
    void chatsStaffMessageSampleIsReadable() {
        StaffMessage m = EventContracts.readSampleData(Path.of("../chat-service/contracts/events"), "chat.wecom.staff-message.v1",
                StaffMessage.class);
        assertThat(m.corpId()).isNotBlank();
        assertThat(m.agentId()).isPositive();
        assertThat(m.staffUserId()).isNotBlank();
        assertThat(m.msgType()).isEqualTo("text");
        assertThat(m.msgId()).isNotBlank();
    }
}
