package io.kefu.kbai.review;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.kbai.AiTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The review queue through its API: drafts listed with the conversation's last lines, claimed by one
 * reviewer only, sent as is, edited (and saved back into the KB) or rejected; the time-out and WeChat
 * window job; the daily figures.
 */
class ReviewQueueIT extends AiTestSupport {

    static final UUID TENANT = UUID.fromString(DRAFT_BAND_TENANT);

    @Autowired
    ReviewJobs jobs;

    String reviewer;
    String other;

    @BeforeEach
    void setUp() {
        faq(TENANT);
        useModel(TENANT, "/review/v1", 5000, "review");
        MODEL.stubFor(post(urlPathEqualTo("/review/v1/chat/completions")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody(completion("您好，退款请在订单详情页申请，1-3个工作日原路退回。", 100, 20))));
        reviewer = supervisor(TENANT);
        other = agent(TENANT);
    }

    /** A fresh draft; returns its id and conversation. */
    private UUID[] draft() {
        UUID conversation = UUID.randomUUID();
        Map<String, Object> row = decided(ask(TENANT, conversation, "东西不想要了退款咋弄"));
        assertThat(row.get("status")).isEqualTo("draft");
        return new UUID[] {(UUID) row.get("id"), conversation};
    }

    private Response act(String path, Object body, String token) {
        return call("POST", path, body, token);
    }

    @Test
    void aReviewerClaimsADraftNobodyElseCanActOnItAndSendsItAsIs() {
        UUID[] d = draft();
        Response page = call("GET", "/api/kb/reviews?page=1&pageSize=100", null, other);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().path("total").asLong()).isPositive();
        JsonNode listed = null;
        for (JsonNode item : page.body().path("items")) {
            if (item.path("id").asString().equals(d[0].toString())) {
                listed = item;
            }
        }
        assertThat(listed).as("the draft is listed").isNotNull();
        assertThat(listed.path("question").asString()).isEqualTo("东西不想要了退款咋弄");
        assertThat(listed.path("items").get(0).path("question").asString()).isEqualTo("怎么申请退款？");
        assertThat(listed.path("score").asDouble()).isPositive();
        assertThat(listed.path("dueAt").asString()).isNotBlank();

        Response claimed = act("/api/kb/reviews/" + d[0] + "/claim", null, reviewer);
        assertThat(claimed.status()).as(claimed.body().toString()).isEqualTo(200);
        Response taken = act("/api/kb/reviews/" + d[0] + "/claim", null, other);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.body().path("code").asString()).isEqualTo("draft-claimed");
        assertThat(act("/api/kb/reviews/" + d[0] + "/send", Map.of(), other).status()).isEqualTo(409);
        assertThat(act("/api/kb/reviews/" + d[0] + "/reject", Map.of(), other).status()).isEqualTo(409);

        Response sent = act("/api/kb/reviews/" + d[0] + "/send", Map.of(), reviewer);
        assertThat(sent.status()).as(sent.body().toString()).isEqualTo(200);
        assertThat(sent.body().path("status").asString()).isEqualTo("sent");
        assertThat(sent.body().path("verdict").asString()).isEqualTo("sent_as_is");
        List<JsonNode> messages = events("kb.answer.sent.v1", d[1]);
        assertThat(messages.getLast().path("origin").asString()).isEqualTo("reviewed");
        assertThat(messages.getLast().path("content").asString()).startsWith("您好，退款");
        assertThat(events("kb.answer.reviewed.v1", d[1])).singleElement()
                .satisfies(r -> assertThat(r.path("verdict").asString()).isEqualTo("sent_as_is"));
        assertThat(act("/api/kb/reviews/" + d[0] + "/send", Map.of(), reviewer).body().path("code").asString()).isEqualTo("draft-not-pending");
    }

    @Test
    void anEditedAnswerIsSentAndCanBeSavedBackIntoTheKbInTheSameAction() {
        UUID[] d = draft();
        assertThat(act("/api/kb/reviews/" + d[0] + "/claim", null, reviewer).status()).isEqualTo(200);
        Response sent = act("/api/kb/reviews/" + d[0] + "/send", Map.of("answer", "您好，请在订单详情页点“申请退款”，1-3个工作日到账。",
                "saveToKb", "phrasing"), reviewer);
        assertThat(sent.status()).as(sent.body().toString()).isEqualTo(200);
        assertThat(sent.body().path("verdict").asString()).isEqualTo("edited");
        assertThat(events("kb.answer.sent.v1", d[1]).getLast().path("content").asString()).contains("1-3个工作日到账");
        JsonNode items = call("GET", "/api/kb/items?q=" + java.net.URLEncoder.encode("申请退款", java.nio.charset.StandardCharsets.UTF_8),
                null, reviewer).body();
        assertThat(items.toString()).contains("东西不想要了退款咋弄");

        // an agent may edit and send, but not change the KB
        UUID[] d2 = draft();
        String agent = agent(TENANT);
        assertThat(act("/api/kb/reviews/" + d2[0] + "/claim", null, agent).status()).isEqualTo(200);
        assertThat(act("/api/kb/reviews/" + d2[0] + "/send", Map.of("answer", "好的", "saveToKb", "answer"), agent).status()).isEqualTo(403);
        assertThat(act("/api/kb/reviews/" + d2[0] + "/send", Map.of("answer", "好的"), agent).status()).isEqualTo(200);
    }

    @Test
    void aRejectedDraftGoesToTheHumanQueueWithTheFallbackNotice() {
        UUID[] d = draft();
        assertThat(act("/api/kb/reviews/" + d[0] + "/reject", Map.of("reason", "答非所问"), reviewer).body().path("code").asString())
                .isEqualTo("draft-not-claimed");
        assertThat(act("/api/kb/reviews/" + d[0] + "/claim", null, reviewer).status()).isEqualTo(200);
        Response rejected = act("/api/kb/reviews/" + d[0] + "/reject", Map.of("reason", "答非所问"), reviewer);
        assertThat(rejected.status()).as(rejected.body().toString()).isEqualTo(200);
        assertThat(rejected.body().path("status").asString()).isEqualTo("handed_off");
        JsonNode handOff = events("kb.conversation.handed-off.v1", d[1]).getFirst();
        assertThat(handOff.path("reason").asString()).isEqualTo("rejected");
        assertThat(handOff.path("atQuestion").asBoolean()).isFalse();
        assertThat(events("kb.answer.sent.v1", d[1]).getLast().path("origin").asString()).isEqualTo("fallback");
        assertThat(events("kb.answer.reviewed.v1", d[1]).getFirst().path("verdict").asString()).isEqualTo("rejected");
    }

    @Test
    void theJobSendsUnreviewedDraftsAndDraftsWhoseWeChatWindowIsClosingToPeople() {
        UUID[] stale = draft();
        UUID[] held = draft();
        UUID[] closing = draft();
        Timestamp longAgo = Timestamp.from(Instant.now().minusSeconds(3600));
        jdbc.update("update ai_answer set created_at = ? where id in (?, ?)", longAgo, stale[0], held[0]);
        assertThat(act("/api/kb/reviews/" + held[0] + "/claim", null, reviewer).status()).isEqualTo(200);
        assertThat(act("/api/kb/reviews/" + closing[0] + "/claim", null, reviewer).status()).isEqualTo(200);
        jdbc.update("update ai_answer set channel = 'mp', customer_wrote_at = ? where id = ?", Timestamp.from(Instant.now().minusSeconds(47 * 3600)),
                closing[0]);

        assertThat(jobs.escalateOverdueDrafts()).isGreaterThanOrEqualTo(2);
        assertThat(status(stale[0])).isEqualTo("handed_off");
        assertThat(jdbc.queryForObject("select verdict from ai_answer where id = ?", String.class, stale[0])).isEqualTo("timed_out");
        assertThat(events("kb.conversation.handed-off.v1", stale[1]).getFirst().path("reason").asString()).isEqualTo("review_timeout");
        assertThat(status(held[0])).as("a live claim holds off the time-out").isEqualTo("draft");
        assertThat(status(closing[0])).as("the window does not wait for a claim").isEqualTo("handed_off");
        assertThat(jdbc.queryForObject("select verdict from ai_answer where id = ?", String.class, closing[0])).isEqualTo("window_closing");
        assertThat(jobs.escalateOverdueDrafts()).isZero();
        assertThat(events("kb.conversation.handed-off.v1", stale[1])).hasSize(1);
        assertThat(act("/api/kb/reviews/" + closing[0] + "/send", Map.of(), reviewer).status()).isEqualTo(409);
    }

    @Test
    void theDailyFiguresCountHitsAndAccuracy() {
        UUID[] d = draft();
        act("/api/kb/reviews/" + d[0] + "/claim", null, reviewer);
        act("/api/kb/reviews/" + d[0] + "/send", Map.of(), reviewer);
        LocalDate today = LocalDate.now(java.time.ZoneId.of("Asia/Shanghai"));
        Response figures = call("GET", "/api/kb/stats/daily?from=" + today.minusDays(1) + "&to=" + today.plusDays(1), null, reviewer);
        assertThat(figures.status()).as(figures.body().toString()).isEqualTo(200);
        JsonNode day = figures.body().get(figures.body().size() - 1);
        assertThat(day.path("questions").asLong()).isPositive();
        assertThat(day.path("kbHits").asLong()).isPositive();
        assertThat(day.path("sentUnchanged").asLong()).isPositive();
        assertThat(day.path("accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(call("GET", "/api/kb/stats/daily?from=" + today + "&to=" + today, null, agent(TENANT)).status()).isEqualTo(403);
    }

    @Test
    void badInputIsAClearProblemNeverA500() {
        UUID[] d = draft();
        String stranger = supervisor(UUID.randomUUID());
        assertThat(call("GET", "/api/kb/reviews/" + d[0], null, stranger).status()).isEqualTo(404);
        assertThat(act("/api/kb/reviews/" + d[0] + "/claim", null, stranger).status()).isEqualTo(404);
        assertThat(call("GET", "/api/kb/reviews/not-a-uuid", null, reviewer).status()).isEqualTo(400);
        assertThat(call("GET", "/api/kb/reviews?pageSize=0", null, reviewer).status()).isEqualTo(400);
        assertThat(call("GET", "/api/kb/reviews?pageSize=1000000", null, reviewer).status()).isEqualTo(400);
        assertThat(call("GET", "/api/kb/reviews?page=abc", null, reviewer).status()).isEqualTo(400);
        act("/api/kb/reviews/" + d[0] + "/claim", null, reviewer);
        assertThat(act("/api/kb/reviews/" + d[0] + "/send", Map.of("answer", "a\u0000b"), reviewer).status()).isEqualTo(400);
        assertThat(act("/api/kb/reviews/" + d[0] + "/send", Map.of("answer", "   "), reviewer).status()).isEqualTo(400);
        assertThat(act("/api/kb/reviews/" + d[0] + "/send", Map.of("answer", "长".repeat(4001)), reviewer).status()).isEqualTo(400);
        assertThat(act("/api/kb/reviews/" + d[0] + "/send", Map.of("saveToKb", "everything"), reviewer).status()).isEqualTo(400);
        assertThat(act("/api/kb/reviews/" + d[0] + "/send", "{not json", reviewer).status()).isEqualTo(400);
        assertThat(call("GET", "/api/kb/stats/daily?from=2026-13-01&to=2026-01-01", null, reviewer).status()).isEqualTo(400);
        assertThat(call("GET", "/api/kb/stats/daily?from=2020-01-01&to=2026-01-01", null, reviewer).status()).isEqualTo(400);
        assertThat(call("GET", "/api/kb/stats/daily?from=2026-01-01&to=2026-01-02&zone=Mars/Base", null, reviewer).status()).isEqualTo(400);

        String admin = admin(TENANT);
        assertThat(call("PUT", "/api/kb/ai-settings", Map.of("baseUrl", "ftp://x", "model", "m", "timeoutMs", 5000), admin).status())
                .isEqualTo(400);
        assertThat(call("PUT", "/api/kb/ai-settings", Map.of("baseUrl", "http://x", "timeoutMs", 5000), admin).status()).isEqualTo(400);
        assertThat(call("PUT", "/api/kb/ai-settings", Map.of("timeoutMs", 10), admin).status()).isEqualTo(400);
        assertThat(call("PUT", "/api/kb/ai-settings", Map.of("timeoutMs", 5000, "lowBand", "robots"), admin).status()).isEqualTo(400);
        assertThat(call("PUT", "/api/kb/ai-settings", Map.of("timeoutMs", 5000, "model", "a\u0000"), admin).status()).isEqualTo(400);
        assertThat(call("PUT", "/api/kb/ai-settings", Map.of("timeoutMs", 5000), reviewer).status()).isEqualTo(403);
        Response settings = call("GET", "/api/kb/ai-settings", null, admin);
        assertThat(settings.status()).isEqualTo(200);
        assertThat(settings.body().path("hasApiKey").asBoolean()).isTrue();
        assertThat(settings.body().toString()).doesNotContain("sk-test-key");
        assertThat(jdbc.queryForObject("select api_key_sealed from ai_setting where tenant_id = ?", String.class, TENANT))
                .doesNotContain("sk-test-key");
    }

    private String status(UUID id) {
        return jdbc.queryForObject("select status from ai_answer where id = ?", String.class, id);
    }
}
