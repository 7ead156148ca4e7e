package io.kefu.ticket.project;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.testsupport.TestEvents;
import io.kefu.testsupport.TestTokens;
import io.kefu.ticket.TicketItSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 003: projects presale → in-sale → aftersale with who-sees-what, and the WeCom commands
 * #记录客户 / #查询进度 arriving as chat's staff-message events on the real exchange, each answered.
 */
class ProjectsIT extends TicketItSupport {

    static final String CORP = "ww0123456789abcdef";

    @Test
    void projectsMoveForwardOnlyWithAHistoryAndEachSeesOnlyTheirs() {
        UUID employee = UUID.randomUUID();
        String employeeToken = TestTokens.token(employee.toString(), tenant.toString(), "staff", List.of("agent"));
        UUID chatCustomer = UUID.randomUUID();
        Response created = call("POST", "/api/projects", Map.of("customerName", "李四", "phone", "13900139000", "need", "20 个端口",
                "chatCustomerId", chatCustomer.toString()), employeeToken);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String id = created.body().get("project").get("id").asString();
        assertThat(created.body().get("project").get("stage").asString()).isEqualTo("presale");

        assertThat(call("POST", "/api/projects/" + id + "/stage", Map.of("stage", "aftersale"), employeeToken).status()).isEqualTo(409);
        assertThat(call("POST", "/api/projects/" + id + "/stage", Map.of("stage", "sold"), employeeToken).status()).isEqualTo(400);
        Response moved = call("POST", "/api/projects/" + id + "/stage", Map.of("stage", "in_sale", "note", "已签合同"), employeeToken);
        assertThat(moved.status()).isEqualTo(200);
        assertThat(call("POST", "/api/projects/" + id + "/stage", Map.of("stage", "aftersale"), employeeToken).status()).isEqualTo(200);
        JsonNode history = call("GET", "/api/projects/" + id, null, employeeToken).body().get("stageHistory");
        assertThat(history.valueStream().map(h -> h.get("toStage").asString())).containsExactly("presale", "in_sale", "aftersale");

        // the customer sees theirs; another employee and another customer do not; the admin does
        assertThat(call("GET", "/api/projects/" + id, null, customer(chatCustomer, tenant)).status()).isEqualTo(200);
        assertThat(call("GET", "/api/projects/" + id, null, customer(UUID.randomUUID(), tenant)).status()).isEqualTo(404);
        assertThat(call("GET", "/api/projects/" + id, null, agent).status()).isEqualTo(404);
        assertThat(call("GET", "/api/projects", null, agent).body().get("total").asLong()).isZero();
        assertThat(call("GET", "/api/projects/" + id, null, admin).status()).isEqualTo(200);
        assertThat(call("GET", "/api/projects/" + id, null, staff(UUID.randomUUID(), "admin", "agent")).status()).isEqualTo(404);
        assertThat(call("GET", "/api/projects?stage=aftersale&keyword=13900139000", null, employeeToken).body().get("total").asLong())
                .isEqualTo(1);
        // bad input
        assertThat(call("POST", "/api/projects", Map.of("customerName", "x", "phone", "call me", "need", "n"), employeeToken).status())
                .isEqualTo(400);
        assertThat(call("POST", "/api/projects", Map.of("customerName", "x", "phone", "13900139000", "need", "n"), tokenA).status())
                .isEqualTo(403);
        assertThat(call("GET", "/api/projects?pageSize=0", null, employeeToken).status()).isEqualTo(400);
    }

    @Test
    void weComCommandsRecordAProjectAndReportItsProgressAndBadOnesAreAnswered() {
        UUID employee = UUID.randomUUID();
        String wecomUser = "wang-" + employee.toString().substring(0, 6);
        TestEvents.publish(rabbit, "auth.staff.created.v1", tenant, employee.toString(), 4, Map.of("staffId", employee.toString(),
                "tenantId", tenant.toString(), "name", "王销售", "roles", List.of("agent"), "department", "sales", "maxConcurrentChats", 5,
                "active", true, "wecomUserId", wecomUser, "occurredAt", Instant.now().toString()));
        await("staff known", WAIT, () -> jdbc.queryForObject("select count(*) from staff where id = ?", Long.class, employee) == 1);
        // a provider's customer with the same phone has an open ticket: the progress answer names it
        UUID client = customerOf(providerA, "赵六公司");
        jdbc.update("update client set phone = '13700137000' where id = ?", client);
        ticket(tokenA, client, "报表导出失败");

        String recorded = wrote(wecomUser, "#记录客户 赵六 13700137000 需要 50 个端口的客服系统");
        JsonNode answer = answerTo(recorded);
        assertThat(answer.get("code").asString()).isEqualTo("recorded");
        assertThat(answer.get("text").asString()).contains("赵六").contains("售前项目");
        UUID project = UUID.fromString(answer.get("projectId").asString());
        assertThat(jdbc.queryForObject("select owner_staff_id from project where id = ?", UUID.class, project)).isEqualTo(employee);

        JsonNode progress = answerTo(wrote(wecomUser, "#查询进度 13700137000"));
        assertThat(progress.get("code").asString()).isEqualTo("progress");
        assertThat(progress.get("text").asString()).contains("售前").contains("未解决工单 1 个").contains("报表导出失败");

        assertThat(answerTo(wrote(wecomUser, "#记录客户 赵六 13700137000 再记一次")).get("code").asString()).isEqualTo("already-recorded");
        assertThat(answerTo(wrote(wecomUser, "#记录客户 赵六")).get("code").asString()).isEqualTo("bad-format");
        assertThat(answerTo(wrote(wecomUser, "#记录客户 赵六 电话未知 需求")).get("code").asString()).isEqualTo("bad-phone");
        assertThat(answerTo(wrote(wecomUser, "#查询进度 没有这个人")).get("code").asString()).isEqualTo("not-found");
        answerTo(wrote(wecomUser, "#记录客户 赵七 13700137001 第二个项目"));
        JsonNode ambiguous = answerTo(wrote(wecomUser, "#查询进度"));
        assertThat(ambiguous.get("code").asString()).isEqualTo("ambiguous");
        assertThat(ambiguous.get("text").asString()).contains("赵六").contains("赵七");
        assertThat(answerTo(wrote("stranger", "#查询进度")).get("code").asString()).isEqualTo("not-bound");
        // routing's commands and plain text are not answered here
        String routingCommand = wrote(wecomUser, "#转接工程师");
        String chatter = wrote(wecomUser, "你好");
        answerTo(wrote(wecomUser, "#查询进度 赵七")); // processed after the two above (one queue, in order)
        assertThat(answers(routingCommand)).isZero();
        assertThat(answers(chatter)).isZero();
    }

    private String wrote(String userId, String content) {
        String msgId = "wecom:" + CORP + ":1000002:" + UUID.randomUUID();
        TestEvents.publish(rabbit, "chat.wecom.staff-message.v1", tenant, UUID.randomUUID().toString(), 6, Map.of("corpId", CORP, "agentId",
                1000002, "staffUserId", userId, "msgType", "text", "content", content, "msgId", msgId, "receivedAt", Instant.now().toString()));
        return msgId;
    }

    private long answers(String msgId) {
        return jdbc.queryForObject("select count(*) from kefu_outbox where event_type = 'ticket.staff-command.answered.v1' "
                + "and envelope->'data'->>'msgId' = ?", Long.class, msgId);
    }

    private JsonNode answerTo(String msgId) {
        await("answer to " + msgId, WAIT, () -> answers(msgId) == 1);
        String envelope = jdbc.queryForObject("select envelope::text from kefu_outbox where event_type = 'ticket.staff-command.answered.v1' "
                + "and envelope->'data'->>'msgId' = ?", String.class, msgId);
        return JSON.readTree(envelope).get("data");
    }
}
