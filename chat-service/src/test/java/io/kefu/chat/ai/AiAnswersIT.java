package io.kefu.chat.ai;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.SendCommand;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.testsupport.EventContracts;
import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.TestEvents;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** kb-ai's answers, arriving on the real kefu.kb exchange as kb-ai's committed sample has them, become AI messages. */
@KefuIntegrationTest(classes = ChatApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AiAnswersIT extends ChatItSupport {

    static final Path KB = Path.of("../kb-ai-service/contracts/events");
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MessageSending conversations;
    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void kbAisAnswerBecomesAnAiMessageOfTheConversation() throws Exception {
        UUID tenant = UUID.randomUUID();
        KefuPrincipal customer = new KefuPrincipal(UUID.randomUUID(), tenant, "customer", Set.of("customer"));
        UUID conversation = conversations.send(customer, new SendCommand(null, "text", "营业时间是几点？", null, null, null, null))
                .conversationId();

        @SuppressWarnings("unchecked")
        Map<String, Object> data = JSON.convertValue(JSON.readTree(KB.resolve("kb.answer.sent.v1.json").toFile()).path("data"), Map.class);
        data.put("conversationId", conversation.toString());
        data.put("customerId", customer.userId().toString());
        TestEvents.publish(rabbit, "kb.answer.sent.v1", tenant, conversation.toString(), 7, data);

        await(() -> jdbc.queryForObject("select count(*) from message where conversation_id = ? and sender_type = 'ai'", Long.class,
                conversation) == 1);
        Map<String, Object> message = jdbc.queryForMap("select type, content, extra::text extra from message where conversation_id = ? "
                + "and sender_type = 'ai'", conversation);
        assertThat(message.get("type")).isEqualTo("text");
        assertThat(message.get("content")).isEqualTo(data.get("content"));
        JsonNode extra = JSON.readTree((String) message.get("extra"));
        assertThat(extra.path("origin").asString()).isEqualTo("auto");
        assertThat(extra.path("band").asString()).isEqualTo("auto");
        assertThat(extra.path("kbItemId").asString()).isEqualTo(data.get("itemId"));
        assertThat(extra.path("score").asDouble()).isEqualTo(0.94);
    }

    @Test
    void chatsRecordReadsKbAisSample() {
        AiAnswerMessages.AnswerSent sent = EventContracts.readSampleData(KB, "kb.answer.sent.v1", AiAnswerMessages.AnswerSent.class);
        assertThat(sent.conversationId()).isNotNull();
        assertThat(sent.content()).isNotBlank();
        assertThat(sent.origin()).isEqualTo("auto");
        assertThat(sent.itemId()).isNotNull();
        assertThat(sent.model()).isEqualTo("kb");
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
