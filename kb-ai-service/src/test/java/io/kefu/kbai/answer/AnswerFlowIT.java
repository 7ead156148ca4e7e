package io.kefu.kbai.answer;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import io.kefu.kbai.AiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each band of the answer policy end to end through the consumer: routing's request on the real
 * exchange, the real embedding model behind retrieval, WireMock as the chat model, the outcome in
 * {@code ai_answer} and the events in the outbox.
 */
class AnswerFlowIT extends AiTestSupport {

    static final UUID DRAFT_TENANT = UUID.fromString(DRAFT_BAND_TENANT);
    static final UUID FAILING_TENANT = UUID.fromString(FAILING_MODEL_TENANT);
    static final UUID LOW_TENANT = UUID.fromString(LOW_BAND_TENANT);

    @Autowired
    AnswerJobs jobs;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Autowired
    Transcript transcript;

    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactions;

    @Test
    void aQuestionTheKbAnswersIsSentAtOnceAsTheKbAnswerWithItsItemAndScore() {
        double autoSentBefore = autoSent();
        UUID tenant = UUID.randomUUID();
        faq(tenant);
        UUID conversation = UUID.randomUUID();
        UUID message = ask(tenant, conversation, "怎么申请退款");

        Map<String, Object> row = decided(message);
        assertThat(row.get("status")).isEqualTo("sent");
        assertThat(row.get("origin")).isEqualTo("auto");
        assertThat(row.get("band")).isEqualTo("auto");
        assertThat((Double) row.get("score")).isGreaterThan(0.9);
        assertThat(row.get("answer")).asString().contains("申请退款");
        assertThat(row.get("model")).isEqualTo("kb");
        JsonNode sent = events("kb.answer.sent.v1", conversation).getFirst();
        assertThat(sent.path("origin").asString()).isEqualTo("auto");
        assertThat(sent.path("content").asString()).contains("1-3个工作日");
        assertThat(sent.path("itemId").asString()).isNotBlank();
        assertThat(sent.path("messageId").asString()).isEqualTo(message.toString());
        assertThat(events("kb.conversation.handed-off.v1", conversation)).isEmpty();

        // routing redelivers (or asks twice about one message): one answer only
        ask(tenant, conversation, message, "怎么申请退款");
        UUID marker = ask(tenant, conversation, "营业时间是几点");
        decided(marker);
        assertThat(events("kb.answer.sent.v1", conversation)).hasSize(2);
        // counted per decided question, for ops' dashboards
        long autoAnswers = events("kb.answer.sent.v1", conversation).stream().filter(ev -> "auto".equals(ev.path("origin").asString())).count();
        // at least: answers of earlier tests in this context may still be landing
        assertThat(autoSent() - autoSentBefore).as("kefu.ai.answers{band=auto,outcome=sent}").isGreaterThanOrEqualTo((double) autoAnswers).isPositive();
    }

    private double autoSent() {
        io.micrometer.core.instrument.Counter c = meters.find("kefu.ai.answers").tag("band", "auto").tag("outcome", "sent").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void inTheMiddleBandTheModelRewritesTheKbAnswerIntoADraftGroundedInTheKbAndTheConversation() {
        faq(DRAFT_TENANT);
        useModel(DRAFT_TENANT, "/ok/v1", 5000, "review");
        MODEL.stubFor(post(urlPathEqualTo("/ok/v1/chat/completions"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(completion(
                        "您好！退款请在订单详情页点击“申请退款”，提交后1-3个工作日原路退回。", 321, 45))));
        UUID conversation = UUID.randomUUID();
        UUID message = ask(DRAFT_TENANT, conversation, "东西不想要了退款咋弄");

        Map<String, Object> row = decided(message);
        assertThat(row.get("status")).isEqualTo("draft");
        assertThat(row.get("band")).isEqualTo("draft");
        assertThat(row.get("draft")).asString().startsWith("您好！退款");
        assertThat(row.get("model")).isEqualTo("qwen-test");
        assertThat(row.get("input_tokens")).isEqualTo(321);
        assertThat(row.get("output_tokens")).isEqualTo(45);
        assertThat(row.get("intent")).isEqualTo("aftersale");
        assertThat(events("kb.answer.drafted.v1", conversation)).singleElement()
                .satisfies(d -> assertThat(d.path("kbHit").asBoolean()).isTrue());
        assertThat(events("kb.answer.sent.v1", conversation)).singleElement()
                .satisfies(s -> assertThat(s.path("origin").asString()).isEqualTo("holding"));
        MODEL.verify(postRequestedFor(urlPathEqualTo("/ok/v1/chat/completions"))
                .withHeader("Authorization", WireMock.equalTo("Bearer sk-test-key"))
                .withRequestBody(containing("1-3个工作日原路退回"))
                .withRequestBody(containing("NOT_COVERED"))
                .withRequestBody(containing("退款咋弄")));
    }

    @Test
    void withoutAModelTheMiddleBandDraftsTheKbAnswerItselfAndTheLowBandGoesToAPerson() {
        UUID tenant = UUID.fromString(DRAFT_BAND_TENANT);
        faq(tenant);
        useModel(tenant, null, 5000, "review");
        try {
            UUID conversation = UUID.randomUUID();
            Map<String, Object> row = decided(ask(tenant, conversation, "几点开门营业"));
            assertThat(row.get("status")).isEqualTo("draft");
            assertThat(row.get("model")).isEqualTo("kb");
            assertThat(row.get("draft")).asString().contains("9:00-21:00");
        } finally {
            useModel(tenant, "/ok/v1", 5000, "review");
        }

        faq(LOW_TENANT);
        useModel(LOW_TENANT, null, 5000, "review");
        UUID conversation = UUID.randomUUID();
        Map<String, Object> low = decided(ask(LOW_TENANT, conversation, "几点开门营业"));
        assertThat(low.get("status")).isEqualTo("handed_off");
        assertThat(low.get("handoff_reason")).isEqualTo("low_confidence");
        assertThat(events("kb.answer.sent.v1", conversation)).singleElement()
                .satisfies(s -> assertThat(s.path("origin").asString()).isEqualTo("fallback"));
        JsonNode handOff = events("kb.conversation.handed-off.v1", conversation).getFirst();
        assertThat(handOff.path("reason").asString()).isEqualTo("low_confidence");
        assertThat(handOff.path("atQuestion").asBoolean()).isTrue();
    }

    @Test
    void inTheLowBandTheModelDraftsFromTheClosestItemsUnlessTheTenantSendsItToPeopleOrTheKbDoesNotCoverIt() {
        faq(LOW_TENANT);
        useModel(LOW_TENANT, "/low/v1", 5000, "review");
        MODEL.stubFor(post(urlPathEqualTo("/low/v1/chat/completions"))
                .withRequestBody(containing("快递"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(completion("一般3-5天能到哦。", 200, 10))));
        MODEL.stubFor(post(urlPathEqualTo("/low/v1/chat/completions"))
                .withRequestBody(containing("积分"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(completion("[NOT_COVERED]", 200, 3))));

        Map<String, Object> draft = decided(ask(LOW_TENANT, UUID.randomUUID(), "快递寄到新疆要多久"));
        assertThat(draft.get("status")).isEqualTo("draft");
        assertThat(draft.get("band")).isEqualTo("fallback");
        assertThat(draft.get("draft")).isEqualTo("一般3-5天能到哦。");

        Map<String, Object> uncovered = decided(ask(LOW_TENANT, UUID.randomUUID(), "会员积分能换什么"));
        assertThat(uncovered.get("status")).isEqualTo("handed_off");
        assertThat(uncovered.get("handoff_reason")).isEqualTo("not_covered");

        useModel(LOW_TENANT, "/low/v1", 5000, "human");
        Map<String, Object> human = decided(ask(LOW_TENANT, UUID.randomUUID(), "快递寄到新疆要多久"));
        assertThat(human.get("status")).isEqualTo("handed_off");
        assertThat(human.get("handoff_reason")).isEqualTo("low_confidence");
    }

    @Test
    void aModelThatRefusesFailsTimesOutOrAnswersGarbageHandsTheCustomerToAPersonWithAFallbackAndItsBreakerOpens() {
        faq(FAILING_TENANT);
        useModel(FAILING_TENANT, "/bad/v1", 1000, "review");
        String path = "/bad/v1/chat/completions";
        List<com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder> failures = List.of(
                aResponse().withStatus(429).withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"rate limit\"}}"),
                aResponse().withStatus(500).withBody("upstream exploded"),
                aResponse().withFixedDelay(4000).withHeader("Content-Type", "application/json").withBody(completion("太慢了", 1, 1)),
                aResponse().withHeader("Content-Type", "application/json").withBody("<html>not json at all"),
                aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                aResponse().withHeader("Content-Type", "application/json").withBody(completion("   ", 5, 0)));
        for (var failure : failures) {
            MODEL.stubFor(post(urlPathEqualTo(path)).willReturn(failure));
            UUID conversation = UUID.randomUUID();
            Map<String, Object> row = decided(ask(FAILING_TENANT, conversation, "退款要多久到账"));
            assertThat(row.get("status")).as(failure.build().toString()).isEqualTo("handed_off");
            assertThat(row.get("handoff_reason")).isEqualTo("model_failed");
            assertThat(row.get("failure")).asString().isNotBlank();
            assertThat(events("kb.answer.sent.v1", conversation)).singleElement()
                    .satisfies(s -> assertThat(s.path("content").asString()).contains("人工客服"));
            assertThat(events("kb.conversation.handed-off.v1", conversation)).singleElement()
                    .satisfies(h -> assertThat(h.path("reason").asString()).isEqualTo("model_failed"));
        }
        // five failures out of six calls: the breaker is open and the model is not called at all
        int calls = MODEL.findAll(postRequestedFor(urlPathEqualTo(path))).size();
        Map<String, Object> row = decided(ask(FAILING_TENANT, UUID.randomUUID(), "退款要多久到账"));
        assertThat(row.get("handoff_reason")).isEqualTo("model_failed");
        assertThat(row.get("failure")).asString().contains("circuit_open");
        assertThat(MODEL.findAll(postRequestedFor(urlPathEqualTo(path)))).hasSize(calls);
    }

    @Test
    void anEmptyKbAnEmptyQuestionAndAnAskForAPersonGetTheirNoticeAndTheHumanQueue() {
        UUID empty = UUID.randomUUID();
        UUID conversation = UUID.randomUUID();
        assertThat(decided(ask(empty, conversation, "你好，在吗")).get("handoff_reason")).isEqualTo("empty_kb");
        assertThat(events("kb.answer.sent.v1", conversation).getFirst().path("content").asString()).contains("人工客服");

        UUID tenant = UUID.randomUUID();
        faq(tenant);
        assertThat(decided(ask(tenant, UUID.randomUUID(), "   ")).get("handoff_reason")).isEqualTo("not_understood");
        UUID asks = UUID.randomUUID();
        Map<String, Object> row = decided(ask(tenant, asks, "麻烦帮我找人工处理一下退款"));
        assertThat(row.get("handoff_reason")).isEqualTo("asked_for_human");
        assertThat(row.get("intent")).isEqualTo("human");
        assertThat(events("kb.answer.sent.v1", asks).getFirst().path("content").asString()).contains("正在为您转接人工客服");
        assertThat(events("kb.conversation.handed-off.v1", asks).getFirst().path("intent").asString()).isEqualTo("human");
        assertThat(decided(ask(tenant, UUID.randomUUID(), "我要投诉你们的客服")).get("handoff_reason")).isEqualTo("complaint");
        assertThat(decided(ask(tenant, UUID.randomUUID(), "😀<script>alert(1)</script>" + "退款".repeat(3000))).get("status"))
                .isIn("sent", "draft", "handed_off");
    }

    @Test
    void aClaimWhoseInstanceDiedIsAnsweredByTheRetryJobOnce() {
        UUID tenant = UUID.randomUUID();
        faq(tenant);
        UUID id = UUID.randomUUID();
        UUID conversation = UUID.randomUUID();
        UUID message = UUID.randomUUID();
        Instant past = Instant.now().minusSeconds(600);
        jdbc.update("""
                insert into ai_answer (id, tenant_id, conversation_id, customer_id, message_id, question, status, attempts, lease_until,
                    customer_wrote_at, created_at) values (?, ?, ?, ?, ?, '营业时间是几点？', 'pending', 1, ?, ?, ?)""",
                id, tenant, conversation, UUID.randomUUID(), message, Timestamp.from(past), Timestamp.from(past), Timestamp.from(past));

        assertThat(jobs.retryExpiredClaims()).isGreaterThanOrEqualTo(1);
        assertThat(decided(message).get("status")).isEqualTo("sent");
        assertThat(decided(message).get("attempts")).isEqualTo(2);
        assertThat(jobs.retryExpiredClaims()).isZero();
        assertThat(events("kb.answer.sent.v1", conversation)).hasSize(1);
    }

    @Test
    void aBatchsLinesAreKeptTogetherAtItsCommitEachOnceAndARolledBackBatchKeepsNone() {
        UUID conversation = UUID.randomUUID();
        UUID tenant = UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        var tx = new org.springframework.transaction.support.TransactionTemplate(transactions);

        tx.executeWithoutResult(status -> {
            for (int i = 0; i < ids.size(); i++) {
                transcript.add(ids.get(i), tenant, conversation, i == 1 ? "staff" : "customer", "miniapp", "第" + i + "句", at.plusSeconds(i));
            }
            transcript.add(ids.get(0), tenant, conversation, "customer", "miniapp", "第0句", at); // a redelivered line
            assertThat(lines(conversation)).as("nothing before the commit").isZero();
        });
        assertThat(transcript.last(conversation, 10, null)).extracting(Transcript.Line::messageId).containsExactlyElementsOf(ids);
        assertThat(transcript.last(conversation, 10, null)).extracting(Transcript.Line::content).containsExactly("第0句", "第1句", "第2句");
        assertThat(transcript.channelOf(conversation)).isEqualTo("miniapp");

        UUID rolledBack = UUID.randomUUID();
        tx.executeWithoutResult(status -> {
            transcript.add(UUID.randomUUID(), tenant, rolledBack, "customer", "mp", "不会留下", at);
            status.setRollbackOnly();
        });
        assertThat(lines(rolledBack)).isZero();

        transcript.add(UUID.randomUUID(), tenant, rolledBack, "customer", "mp", "无事务", at); // no transaction: kept at once
        assertThat(lines(rolledBack)).isOne();
    }

    private long lines(UUID conversation) {
        return jdbc.queryForObject("select count(*) from ai_transcript_line where conversation_id = ?", Long.class, conversation);
    }

    @Test
    void theConversationsLinesFromChatReachThePrompt() {
        faq(DRAFT_TENANT);
        useModel(DRAFT_TENANT, "/ok/v1", 5000, "review");
        MODEL.stubFor(post(urlPathEqualTo("/ok/v1/chat/completions"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(completion("好的，营业到晚上九点。", 10, 5))));
        UUID conversation = UUID.randomUUID();
        io.kefu.testsupport.TestEvents.publish(rabbit, "chat.message.received.v1", DRAFT_TENANT, conversation.toString(), 5, Map.of(
                "messageId", UUID.randomUUID().toString(), "conversationId", conversation.toString(), "customerId", UUID.randomUUID().toString(),
                "channel", "mp", "type", "text", "content", "我在杭州西湖店附近", "createdAt", Instant.now().minusSeconds(30).toString()));
        await("line kept", WAIT, () -> jdbc.queryForObject("select count(*) from ai_transcript_line where conversation_id = ?", Long.class,
                conversation) == 1);
        Map<String, Object> row = decided(ask(DRAFT_TENANT, conversation, "晚上几点关门"));
        assertThat(row.get("channel")).isEqualTo("mp");
        MODEL.verify(postRequestedFor(urlPathEqualTo("/ok/v1/chat/completions")).withRequestBody(containing("我在杭州西湖店附近")));
    }

    @Test
    void aBlankAnEmojiOnlyAHugeOrAScriptQuestionIsNeverLeftWithoutAWordToTheCustomer() {
        UUID tenant = UUID.randomUUID();
        faq(tenant);
        for (String question : List.of("   ", "😀😀😀", "退款".repeat(5_000), "<script>alert(1)</script>怎么申请退款")) {
            UUID conversation = UUID.randomUUID();
            Map<String, Object> row = decided(ask(tenant, conversation, question));
            assertThat(row.get("status")).as(question.substring(0, Math.min(20, question.length()))).isIn("sent", "draft", "handed_off");
            assertThat((String) row.get("question")).hasSizeLessThanOrEqualTo(4000);
            assertThat(events("kb.answer.sent.v1", conversation)).as("the customer hears something").isNotEmpty();
            if (question.isBlank()) {
                assertThat(row.get("handoff_reason")).isEqualTo("not_understood");
            }
        }
    }
}
