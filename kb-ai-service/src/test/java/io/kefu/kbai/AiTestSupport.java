package io.kefu.kbai;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.kefu.testsupport.TestEvents;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For the AI's integration tests (answer, review): a WireMock server playing an OpenAI-compatible
 * model, routing's request published as routing publishes it, and the outcome read back. Same
 * application context as every other {@link KbAiItSupport} test.
 */
public abstract class AiTestSupport extends KbAiItSupport {

    public static final Duration WAIT = Duration.ofSeconds(30);
    public static final WireMockServer MODEL = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        MODEL.start();
    }

    @Autowired
    protected RabbitTemplate rabbit;

    /** A chat completion as OpenAI-compatible servers answer it. */
    public static String completion(String content, int promptTokens, int completionTokens) {
        return JSON.writeValueAsString(Map.of("id", "chatcmpl-test", "object", "chat.completion", "created", 1_700_000_000, "model",
                "qwen-test", "choices", List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", content),
                        "finish_reason", "stop")),
                "usage", Map.of("prompt_tokens", promptTokens, "completion_tokens", completionTokens, "total_tokens",
                        promptTokens + completionTokens)));
    }

    public static String admin(UUID tenantId) {
        return staffToken(UUID.randomUUID(), tenantId, "admin", "supervisor", "agent");
    }

    /** Points the tenant at the WireMock model under {@code path} (e.g. /ok/v1), or at no model when path is null. */
    public void useModel(UUID tenantId, String path, int timeoutMs, String lowBand) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("timeoutMs", timeoutMs, "lowBand", lowBand, "apiKey", "sk-test-key"));
        body.put("baseUrl", path == null ? "" : MODEL.baseUrl() + path);
        body.put("model", path == null ? "" : "qwen-test");
        Response r = call("PUT", "/api/kb/ai-settings", body, admin(tenantId));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    }

    /** Creates a KB item (an existing one with the same question is fine: the fixed tenants keep theirs). */
    public void item(UUID tenantId, String question, List<String> similar, String answer, String category) {
        Response r = call("POST", "/api/kb/items", Map.of("question", question, "similarQuestions", similar, "answer", answer, "category",
                category), supervisor(tenantId));
        assertThat(r.status()).as(r.body().toString()).isIn(201, 409);
    }

    public void faq(UUID tenantId) {
        item(tenantId, "怎么申请退款？", List.of("退款怎么操作", "我想退款"), "在订单详情页点击“申请退款”，选择原因后提交，1-3个工作日原路退回。", "售后");
        item(tenantId, "营业时间是几点？", List.of("你们几点上班", "几点开门"), "我们的营业时间是每天 9:00-21:00，节假日照常营业。", "门店");
        item(tenantId, "快递一般几天到？", List.of("多久能收到货", "发货后几天送达"), "江浙沪1-2天，其他地区3-5天，偏远地区5-7天。", "物流");
    }

    /** The question as routing asks it; returns the customer's message id. */
    public UUID ask(UUID tenantId, UUID conversationId, String question) {
        UUID messageId = UUID.randomUUID();
        ask(tenantId, conversationId, messageId, question);
        return messageId;
    }

    public void ask(UUID tenantId, UUID conversationId, UUID messageId, String question) {
        TestEvents.publish(rabbit, "routing.ai.requested.v1", tenantId, conversationId.toString(), 5, Map.of("conversationId",
                conversationId.toString(), "customerId", UUID.randomUUID().toString(), "messageId", messageId.toString(), "content", question,
                "requestedAt", Instant.now().toString()));
    }

    /** Waits until the question of {@code messageId} is decided; returns its row. */
    public Map<String, Object> decided(UUID messageId) {
        await("question " + messageId + " decided", WAIT, () -> jdbc.queryForObject(
                "select count(*) from ai_answer where message_id = ? and status <> 'pending'", Long.class, messageId) == 1);
        return jdbc.queryForMap("select * from ai_answer where message_id = ?", messageId);
    }

    /** The data of the events of {@code type} about the conversation, oldest first. */
    public List<JsonNode> events(String type, UUID conversationId) {
        return jdbc.queryForList("select envelope::text from kefu_outbox where event_type = ? and envelope->>'subject' = ? order by created_at",
                String.class, type, conversationId.toString()).stream().map(e -> JSON.readTree(e).path("data")).toList();
    }
}
