package io.kefu.chat.conversation;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.chat.conversation.ChatHttp.Response;
import io.kefu.testsupport.KefuIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The conversation and message HTTP API against real PostgreSQL, Redis and RabbitMQ. */
class ConversationApiIT extends ChatItSupport {

    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;

    ChatHttp http;
    UUID tenant;
    Person customer;
    Person agent;

    @BeforeEach
    void setUp() {
        http = new ChatHttp(environment.getRequiredProperty("local.server.port", Integer.class));
        tenant = UUID.randomUUID();
        customer = customer(tenant);
        agent = agent(tenant);
    }

    private Response send(Person who, Object body) {
        return http.call("POST", "/api/message/send", body, who.token());
    }

    private JsonNode sendText(Person who, UUID conversationId, String text) {
        Map<String, Object> body = conversationId == null ? Map.of("content", text) : Map.of("conversationId", conversationId, "content", text);
        Response response = send(who, body);
        assertThat(response.status()).as(response.body().toString()).isEqualTo(201);
        return response.body();
    }

    private long outbox(String type, UUID subject) {
        return jdbc.queryForObject("select count(*) from kefu_outbox where event_type = ? and envelope->>'subject' = ?", Long.class,
                type, subject.toString());
    }

    @Test
    void aCustomersFirstMessageOpensAConversationAndLaterOnesJoinIt() {
        JsonNode first = sendText(customer, null, "你好，我的订单没到");
        UUID conversationId = UUID.fromString(first.path("conversationId").asString());
        JsonNode second = sendText(customer, null, "请帮忙看看");

        assertThat(second.path("conversationId").asString()).isEqualTo(conversationId.toString());
        assertThat(first.path("status").asString()).isEqualTo("sent");
        assertThat(first.path("sentAt").isNull()).isFalse();
        assertThat(first.path("senderType").asString()).isEqualTo("customer");
        assertThat(second.path("seq").asLong()).isGreaterThan(first.path("seq").asLong());

        JsonNode conversation = http.call("GET", "/api/conversations/" + conversationId, null, customer.token()).body();
        assertThat(conversation.path("status").asString()).isEqualTo("waiting");
        assertThat(conversation.path("source").asString()).isEqualTo("quick_chat");
        assertThat(conversation.path("channel").asString()).isEqualTo("miniapp");
        assertThat(outbox("chat.conversation.opened.v1", conversationId)).isEqualTo(1);
        assertThat(outbox("chat.message.received.v1", conversationId)).isEqualTo(2);
    }

    @Test
    void aRetriedSendWithTheSameClientIdIsStoredOnce() {
        Map<String, Object> body = Map.of("content", "只发一次", "clientMsgId", "c-" + UUID.randomUUID());
        Response first = send(customer, body);
        Response retry = send(customer, body);

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.body().path("id").asString()).isEqualTo(first.body().path("id").asString());
        assertThat(jdbc.queryForObject("select count(*) from message where conversation_id = ?", Long.class,
                UUID.fromString(first.body().path("conversationId").asString()))).isEqualTo(1);
    }

    @Test
    void aSendRetriedAfterItsConversationEndedReturnsTheStoredMessageAndOpensNoConversation() {
        Map<String, Object> body = Map.of("content", "还在吗", "clientMsgId", "c-" + UUID.randomUUID());
        Response first = send(customer, body);
        UUID conversationId = UUID.fromString(first.body().path("conversationId").asString());
        assertThat(http.call("POST", "/api/conversations/" + conversationId + "/end", null, customer.token()).status()).isEqualTo(200);

        // The retry finds no open conversation and would open one; the insert finds the stored twin and the attempt rolls back.
        Response retry = send(customer, body);

        assertThat(retry.body().path("id").asString()).isEqualTo(first.body().path("id").asString());
        assertThat(retry.body().path("conversationId").asString()).isEqualTo(conversationId.toString());
        assertThat(jdbc.queryForObject("select count(*) from conversation where customer_id = ?", Long.class, customer.id())).isEqualTo(1);
        assertThat(outbox("chat.conversation.opened.v1", conversationId)).isEqualTo(1);
    }

    @Test
    void theRecipientsAcknowledgementsSetDeliveredAndReadTimestampsWithoutGoingBackwards() {
        UUID conversationId = UUID.fromString(sendText(customer, null, "在吗").path("conversationId").asString());
        JsonNode reply = sendText(agent, conversationId, "您好，请讲");
        String replyId = reply.path("id").asString();
        assertThat(reply.path("senderType").asString()).isEqualTo("staff");
        assertThat(outbox("chat.message.sent.v1", conversationId)).isEqualTo(1);

        Response delivered = http.call("PUT", "/api/message/delivered", Map.of("messageIds", List.of(replyId)), customer.token());
        assertThat(delivered.status()).isEqualTo(200);
        assertThat(delivered.body().path("changed").get(0).path("status").asString()).isEqualTo("delivered");

        Response read = http.call("PUT", "/api/message/read", Map.of("messageIds", List.of(replyId)), customer.token());
        JsonNode readMessage = read.body().path("changed").get(0);
        assertThat(readMessage.path("status").asString()).isEqualTo("read");
        assertThat(readMessage.path("sentAt").isNull()).isFalse();
        assertThat(readMessage.path("deliveredAt").isNull()).isFalse();
        assertThat(readMessage.path("readAt").isNull()).isFalse();

        // A late "delivered" receipt changes nothing.
        Response late = http.call("PUT", "/api/message/delivered", Map.of("messageIds", List.of(replyId)), customer.token());
        assertThat(late.body().path("changed")).isEmpty();
        assertThat(jdbc.queryForObject("select status from message where id = ?::uuid", String.class, replyId)).isEqualTo("read");
    }

    @Test
    void onlyTheReceivingSideAcknowledgesAndStrangersSeeNothing() {
        JsonNode mine = sendText(customer, null, "my own words");
        String id = mine.path("id").asString();
        UUID conversationId = UUID.fromString(mine.path("conversationId").asString());

        Response ownReceipt = http.call("PUT", "/api/message/read", Map.of("messageIds", List.of(id)), customer.token());
        assertThat(ownReceipt.status()).isEqualTo(403);

        Person stranger = customer(tenant);
        Person otherTenantAgent = agent(UUID.randomUUID());
        assertThat(http.call("PUT", "/api/message/read", Map.of("messageIds", List.of(id)), stranger.token()).status()).isEqualTo(404);
        assertThat(http.call("GET", "/api/message/history?conversationId=" + conversationId, null, stranger.token()).status()).isEqualTo(404);
        assertThat(http.call("GET", "/api/message/history?conversationId=" + conversationId, null, otherTenantAgent.token()).status())
                .isEqualTo(404);
        Response intrusion = send(otherTenantAgent, Map.of("conversationId", conversationId, "content", "hi"));
        assertThat(intrusion.status()).isEqualTo(404);
        assertThat(intrusion.code()).isEqualTo("not-found");
    }

    @Test
    void historyPagesBackwardsWithACursorAndCountsUnread() {
        UUID conversationId = UUID.fromString(sendText(customer, null, "m1").path("conversationId").asString());
        for (int i = 2; i <= 5; i++) {
            sendText(customer, conversationId, "m" + i);
        }

        JsonNode newest = http.call("GET", "/api/message/history?conversationId=" + conversationId + "&limit=2", null, agent.token()).body();
        assertThat(newest.path("messages").findValuesAsString("content")).containsExactly("m4", "m5");
        long cursor = newest.path("nextCursor").asLong();
        JsonNode older = http.call("GET", "/api/message/history?conversationId=" + conversationId + "&limit=2&before=" + cursor, null,
                agent.token()).body();
        assertThat(older.path("messages").findValuesAsString("content")).containsExactly("m2", "m3");
        JsonNode oldest = http.call("GET", "/api/message/history?conversationId=" + conversationId + "&limit=2&before="
                + older.path("nextCursor").asLong(), null, agent.token()).body();
        assertThat(oldest.path("messages").findValuesAsString("content")).containsExactly("m1");
        assertThat(oldest.path("nextCursor").isNull()).isTrue();

        Person supervisor = supervisor(tenant);
        JsonNode list = http.call("GET", "/api/conversations?status=waiting", null, supervisor.token()).body();
        JsonNode summary = null;
        for (JsonNode s : list) {
            if (s.path("conversation").path("id").asString().equals(conversationId.toString())) {
                summary = s;
            }
        }
        assertThat(summary).isNotNull();
        assertThat(summary.path("unread").asLong()).isEqualTo(5);

        assertThat(http.call("GET", "/api/message/history?conversationId=" + conversationId + "&limit=0", null, agent.token()).status())
                .isEqualTo(400);
        assertThat(http.call("GET", "/api/message/history?conversationId=not-a-uuid", null, agent.token()).status()).isEqualTo(400);
    }

    @Test
    void endingRecordsWhyAndWhoAndTheCustomerRatesOnce() {
        UUID conversationId = UUID.fromString(sendText(customer, null, "thanks, bye").path("conversationId").asString());

        Response badReason = http.call("POST", "/api/conversations/" + conversationId + "/end", Map.of("reason", "bored"), agent.token());
        assertThat(badReason.status()).isEqualTo(400);
        Response early = http.call("POST", "/api/conversations/" + conversationId + "/rating", Map.of("rating", 5), customer.token());
        assertThat(early.status()).isEqualTo(409);

        JsonNode ended = http.call("POST", "/api/conversations/" + conversationId + "/end",
                Map.of("reason", "resolved", "comment", "refund issued"), agent.token()).body();
        assertThat(ended.path("status").asString()).isEqualTo("closed");
        assertThat(ended.path("endedReason").asString()).isEqualTo("resolved");
        assertThat(ended.path("endedType").asString()).isEqualTo("staff");
        assertThat(ended.path("endedBy").asString()).isEqualTo(agent.id().toString());
        assertThat(ended.path("endedComment").asString()).isEqualTo("refund issued");
        assertThat(outbox("chat.conversation.ended.v1", conversationId)).isEqualTo(1);

        Response late = send(customer, Map.of("conversationId", conversationId, "content", "one more thing"));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.code()).isEqualTo("conversation-ended");

        assertThat(http.call("POST", "/api/conversations/" + conversationId + "/rating", Map.of("rating", 6), customer.token()).status())
                .isEqualTo(400);
        assertThat(http.call("POST", "/api/conversations/" + conversationId + "/rating", Map.of("rating", 4), agent.token()).status())
                .isEqualTo(403);
        JsonNode rated = http.call("POST", "/api/conversations/" + conversationId + "/rating",
                Map.of("rating", 4, "feedback", "快"), customer.token()).body();
        assertThat(rated.path("rating").asInt()).isEqualTo(4);
        assertThat(rated.path("feedback").asString()).isEqualTo("快");
        Response again = http.call("POST", "/api/conversations/" + conversationId + "/rating", Map.of("rating", 1), customer.token());
        assertThat(again.code()).isEqualTo("already-rated");
        assertThat(outbox("chat.conversation.rated.v1", conversationId)).isEqualTo(1);

        // A new message after the end opens a fresh conversation.
        JsonNode fresh = sendText(customer, null, "new question");
        assertThat(fresh.path("conversationId").asString()).isNotEqualTo(conversationId.toString());
    }

    @Test
    void aCustomerEndsWithUserEndedAndTheSystemEndsWithTimeout() {
        UUID mine = UUID.fromString(sendText(customer, null, "bye").path("conversationId").asString());
        JsonNode byCustomer = http.call("POST", "/api/conversations/" + mine + "/end", null, customer.token()).body();
        assertThat(byCustomer.path("endedReason").asString()).isEqualTo("user_ended");
        assertThat(byCustomer.path("endedType").asString()).isEqualTo("customer");

        Person other = customer(tenant);
        UUID idle = UUID.fromString(sendText(other, null, "hello?").path("conversationId").asString());
        String internalToken = environment.getRequiredProperty("kefu.security.internal-token");
        assertThat(http.call("POST", "/internal/conversations/" + idle + "/end", Map.of("reason", "timeout"), null).status())
                .isEqualTo(401);
        Map<String, String> internal = Map.of("X-Kefu-Internal-Token", internalToken);
        Response warning = http.call("POST", "/internal/conversations/" + idle + "/messages",
                Map.of("senderType", "system", "content", "5 分钟无回复将自动结束"), null, internal);
        assertThat(warning.status()).isEqualTo(201);
        assertThat(warning.body().path("type").asString()).isEqualTo("system");
        JsonNode timedOut = http.call("POST", "/internal/conversations/" + idle + "/end", Map.of("reason", "timeout"), null, internal).body();
        assertThat(timedOut.path("status").asString()).isEqualTo("timeout");
        assertThat(timedOut.path("endedType").asString()).isEqualTo("system");
        // Idempotent: a second run of the job changes nothing and publishes nothing.
        http.call("POST", "/internal/conversations/" + idle + "/end", Map.of("reason", "timeout"), null, internal);
        assertThat(outbox("chat.conversation.ended.v1", idle)).isEqualTo(1);
        assertThat(http.call("POST", "/internal/conversations/" + idle + "/end", Map.of("reason", "bored"), null, internal).status())
                .isEqualTo(400);
    }

    @Test
    void badInputGetsProblemDetailsNotServerErrors() {
        assertThat(send(customer, Map.of("content", "")).status()).isEqualTo(400);
        assertThat(send(customer, Map.of("content", "x".repeat(4001))).status()).isEqualTo(400);
        assertThat(send(customer, Map.of("content", "hi", "type", "system")).status()).isEqualTo(400);
        assertThat(send(customer, Map.of("content", "hi", "channel", "mp")).status()).isEqualTo(400);
        assertThat(send(customer, "{not json").status()).isEqualTo(400);
        assertThat(send(agent, Map.of("content", "to whom?")).status()).isEqualTo(400);
        assertThat(http.call("PUT", "/api/message/read", Map.of("messageIds", List.of()), customer.token()).status()).isEqualTo(400);
        assertThat(http.call("PUT", "/api/message/read", Map.of("messageIds", List.of(UUID.randomUUID())), customer.token()).status())
                .isEqualTo(404);
        assertThat(http.call("GET", "/api/conversations?status=weird", null, customer.token()).status()).isEqualTo(400);
        assertThat(http.call("POST", "/api/message/send", Map.of("content", "anon"), null).status()).isEqualTo(401);
    }
}
