package io.kefu.kbai.knowledge;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.kbai.KbAiItSupport;
import io.kefu.kbai.retrieval.KnowledgeSearch;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** CRUD under /api/kb/items: roles, tenants, versions, bad input, and removal from answers at once. */
class KnowledgeItemsIT extends KbAiItSupport {

    @Autowired
    KnowledgeSearch search;

    final UUID tenant = UUID.randomUUID();
    final String supervisor = supervisor(tenant);

    private Response create(Map<String, ?> body) {
        return call("POST", "/api/kb/items", body, supervisor);
    }

    private static Map<String, Object> item(String question, String answer) {
        Map<String, Object> m = new HashMap<>();
        m.put("question", question);
        m.put("answer", answer);
        m.put("similarQuestions", List.of("怎么修改密码", "忘记密码了"));
        m.put("category", "账户");
        m.put("keywords", List.of("密码"));
        return m;
    }

    @Test
    void createReadUpdateListDelete() {
        Response created = create(item("如何重置登录密码？", "<script>alert(1)</script> 在登录页点击“忘记密码”。"));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String id = created.body().get("id").asString();
        assertThat(created.body().get("version").asInt()).isZero();
        assertThat(created.body().get("answer").asString()).startsWith("<script>alert(1)</script>");

        Response read = call("GET", "/api/kb/items/" + id, null, agent(tenant));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("similarQuestions").size()).isEqualTo(2);
        assertThat(read.body().get("createdBy").asString()).isNotBlank();

        Map<String, Object> change = item("如何重置登录密码？", "请在登录页点击“忘记密码”，用短信验证码重置。");
        change.put("version", 0);
        Response updated = call("PUT", "/api/kb/items/" + id, change, supervisor);
        assertThat(updated.status()).as(updated.body().toString()).isEqualTo(200);
        assertThat(updated.body().get("version").asInt()).isEqualTo(1);
        Response stale = call("PUT", "/api/kb/items/" + id, change, supervisor);
        assertThat(stale.status()).isEqualTo(409);

        Response list = call("GET", "/api/kb/items?q=验证码&page=1&pageSize=10", null, agent(tenant));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().get("total").asLong()).isEqualTo(1);
        assertThat(search.search(tenant, "如何重置登录密码", 3).hits()).isNotEmpty();

        assertThat(call("DELETE", "/api/kb/items/" + id, null, supervisor).status()).isEqualTo(204);
        assertThat(call("GET", "/api/kb/items/" + id, null, agent(tenant)).status()).isEqualTo(404);
        assertThat(search.search(tenant, "如何重置登录密码", 3).hits()).isEmpty();
    }

    @Test
    void disablingOrAnExpiredWindowTakesAnItemOutOfAnswersAtOnce() {
        Response created = create(item("会员怎么开通？", "在会员中心开通。"));
        String id = created.body().get("id").asString();
        assertThat(search.search(tenant, "会员怎么开通", 3).hits()).isNotEmpty();
        Map<String, Object> disabled = item("会员怎么开通？", "在会员中心开通。");
        disabled.put("enabled", false);
        assertThat(call("PUT", "/api/kb/items/" + id, disabled, supervisor).status()).isEqualTo(200);
        assertThat(search.search(tenant, "会员怎么开通", 3).hits()).isEmpty();
        Map<String, Object> expired = item("会员怎么开通？", "在会员中心开通。");
        expired.put("validFrom", "2020-01-01T00:00:00+08:00");
        expired.put("validUntil", "2021-01-01T00:00:00+08:00");
        assertThat(call("PUT", "/api/kb/items/" + id, expired, supervisor).status()).isEqualTo(200);
        assertThat(search.search(tenant, "会员怎么开通", 3).hits()).isEmpty();
    }

    @Test
    void agentsReadButDoNotWriteAndOtherTenantsSeeNothing() {
        Response created = create(item("发票怎么开？", "在订单中申请开票。"));
        String id = created.body().get("id").asString();
        assertThat(call("POST", "/api/kb/items", item("另一个问题？", "答案"), agent(tenant)).status()).isEqualTo(403);
        assertThat(call("DELETE", "/api/kb/items/" + id, null, agent(tenant)).status()).isEqualTo(403);
        UUID other = UUID.randomUUID();
        assertThat(call("GET", "/api/kb/items/" + id, null, agent(other)).status()).isEqualTo(404);
        assertThat(call("PUT", "/api/kb/items/" + id, item("发票怎么开？", "x"), supervisor(other)).status()).isEqualTo(404);
        assertThat(call("DELETE", "/api/kb/items/" + id, null, supervisor(other)).status()).isEqualTo(404);
        assertThat(search.search(other, "发票怎么开", 3).hits()).isEmpty();
        String customer = io.kefu.testsupport.TestTokens.token(UUID.randomUUID().toString(), tenant.toString(), "customer", List.of("customer"));
        assertThat(call("GET", "/api/kb/items/" + id, null, customer).status()).isEqualTo(403);
    }

    @Test
    void badInputIsA4xxProblemNeverA500() {
        assertThat(create(item("", "答案")).status()).isEqualTo(400);
        assertThat(create(item("   ", "答案")).status()).isEqualTo(400);
        assertThat(create(item("问题\u0000NUL", "答案")).status()).isEqualTo(400);
        assertThat(create(item("问".repeat(501), "答案")).status()).isEqualTo(400);
        assertThat(create(item("问题", "答".repeat(10_001))).status()).isEqualTo(400);
        Map<String, Object> badDate = item("日期问题", "答案");
        badDate.put("validFrom", "yesterday");
        assertThat(create(badDate).status()).isEqualTo(400);
        Map<String, Object> inverted = item("窗口问题", "答案");
        inverted.put("validFrom", "2030-01-01T00:00:00Z");
        inverted.put("validUntil", "2029-01-01T00:00:00Z");
        assertThat(create(inverted).status()).isEqualTo(400);
        assertThat(call("POST", "/api/kb/items", "{not json", supervisor).status()).isEqualTo(400);
        assertThat(call("GET", "/api/kb/items/not-a-uuid", null, supervisor).status()).isEqualTo(400);
        assertThat(call("GET", "/api/kb/items?pageSize=0", null, supervisor).status()).isEqualTo(400);
        assertThat(call("GET", "/api/kb/items?pageSize=1000000", null, supervisor).status()).isEqualTo(400);
        assertThat(call("GET", "/api/kb/items?enabled=maybe", null, supervisor).status()).isEqualTo(400);
        assertThat(create(item("重复的问题？", "答案")).status()).isEqualTo(201);
        assertThat(create(item("重复的问题", "答案")).status()).isEqualTo(409);
        Response emoji = create(item("退款😀refund怎么弄？", "<b>加粗</b>"));
        assertThat(emoji.status()).isEqualTo(201);
        assertThat(emoji.body().get("answer").asString()).isEqualTo("<b>加粗</b>");
    }

    @Test
    void aTenThousandCharacterQuestionIsRefusedWhileMixedScriptsAndScriptTagsAreKeptAsPlainText() throws Exception {
        Response huge = create(item("退".repeat(10_000), "答案"));
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.body().path("title").asString()).isNotBlank(); // a problem, not a stack trace
        assertThat(jdbc.queryForObject("select count(*) from kb_item where tenant_id = ?", Long.class, tenant)).isZero();

        String question = "Ｘ２００音箱 Bluetooth 怎么连？ありがとう😀";
        String answer = "<script>alert('x')</script><img src=x onerror=alert(1)> 长按配对键3秒";
        Response created = create(item(question, answer));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        // read back as JSON (never text/html), character for character
        java.net.http.HttpResponse<String> read = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + port() + "/api/kb/items/" + created.body().get("id").asString()))
                .header("Authorization", "Bearer " + agent(tenant)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(read.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(JSON.readTree(read.body()).get("question").asString()).isEqualTo(question);
        assertThat(JSON.readTree(read.body()).get("answer").asString()).isEqualTo(answer);
        // found by the half-width spelling a customer types
        assertThat(search.search(tenant, "X200音箱bluetooth怎么连", 3).hits().getFirst().answer()).isEqualTo(answer);
    }
}
