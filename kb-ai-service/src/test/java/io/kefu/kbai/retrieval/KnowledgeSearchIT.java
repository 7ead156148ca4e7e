package io.kefu.kbai.retrieval;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.kbai.KbAiItSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Search through the API and the public bean, on the real model: each band, exact terms, bad input. */
class KnowledgeSearchIT extends KbAiItSupport {

    @Autowired
    KnowledgeSearch search;

    UUID tenant;
    String admin;

    @BeforeEach
    void setUp() {
        tenant = UUID.randomUUID();
        admin = supervisor(tenant);
        item("怎么申请退款？", List.of("退款怎么操作", "我想退款"), "在订单详情页点击“申请退款”，选择原因后提交，1-3个工作日原路退回。", "售后");
        item("发票怎么开？", List.of("可以开发票吗", "如何开具增值税发票"), "在“我的订单”中点击“申请开票”，填写抬头和税号，电子发票3个工作日内发送到邮箱。", "发票");
        item("快递一般几天到？", List.of("多久能收到货", "发货后几天送达"), "江浙沪1-2天，其他地区3-5天，偏远地区5-7天。", "物流");
        item("错误码E1002是什么意思？", List.of("提示E1002怎么办"), "E1002表示登录已过期，请退出后重新登录。", "技术");
        item("错误码E2001是什么意思？", List.of("提示E2001怎么办"), "E2001表示余额不足，请充值后重试。", "技术");
    }

    private void item(String question, List<String> similar, String answer, String category) {
        Response r = call("POST", "/api/kb/items", Map.of("question", question, "similarQuestions", similar, "answer", answer,
                "category", category), admin);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    }

    @Test
    void aParaphraseFindsItsItemFirst() {
        SearchResult result = search.search(tenant, "我要申请退款怎么弄", 5);
        assertThat(result.hits()).isNotEmpty();
        assertThat(result.hits().getFirst().question()).isEqualTo("怎么申请退款？");
        assertThat(result.hits().getFirst().score()).isGreaterThan(result.hits().get(1).score());
    }

    @Test
    void theSameQuestionIsSentAutomatically() {
        SearchResult result = search.search(tenant, "怎么申请退款", 5);
        assertThat(result.band()).isEqualTo(Band.AUTO);
    }

    @Test
    void aNearMissWithAnotherCodeIsNeverAuto() {
        SearchResult result = search.search(tenant, "错误码E3005是什么意思？", 5);
        assertThat(result.band()).isNotEqualTo(Band.AUTO);
        assertThat(result.hits().getFirst().score()).isLessThanOrEqualTo(0.5);
    }

    @Test
    void perTenantThresholdsDecideTheBand() {
        assertThat(search.band(tenant, 0.95)).isEqualTo(Band.AUTO);
        assertThat(search.band(tenant, 0.9)).isEqualTo(Band.DRAFT);
        assertThat(search.band(tenant, 0.6)).isEqualTo(Band.DRAFT);
        assertThat(search.band(tenant, 0.59)).isEqualTo(Band.FALLBACK);
    }

    @Test
    void anUncoveredQuestionIsNeverAuto() {
        SearchResult result = search.search(tenant, "你们的会员积分可以兑换什么礼品？", 5);
        assertThat(result.band()).isNotEqualTo(Band.AUTO);
    }

    @Test
    void theErrorCodeDecides() {
        SearchResult result = search.search(tenant, "E2001是什么错误", 5);
        assertThat(result.hits().getFirst().question()).contains("E2001");
    }

    @Test
    void theApiAnswersWithBandAndHitsAndRefusesBlankOrHugeQuestions() {
        Response r = call("POST", "/api/kb/search", Map.of("query", "发票怎么开", "topK", 3), agent(tenant));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("band").asString()).isIn("auto", "draft", "fallback");
        assertThat(r.body().get("hits").get(0).get("question").asString()).isEqualTo("发票怎么开？");
        assertThat(call("POST", "/api/kb/search", Map.of("query", "   "), agent(tenant)).status()).isEqualTo(400);
        assertThat(call("POST", "/api/kb/search", Map.of("query", "退".repeat(10_000)), agent(tenant)).status()).isEqualTo(400);
        assertThat(call("POST", "/api/kb/search", Map.of("query", "退款😀refund 怎么弄"), agent(tenant)).status()).isEqualTo(200);
        assertThat(call("POST", "/api/kb/search", Map.of("query", "退款", "topK", 1_000_000), agent(tenant)).status()).isEqualTo(400);
    }
}
