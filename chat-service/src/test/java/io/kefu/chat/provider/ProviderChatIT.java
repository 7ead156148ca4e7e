package io.kefu.chat.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.chat.ChatItSupport;
import io.kefu.testsupport.StompTestClient;
import io.kefu.testsupport.TestEvents;
import io.kefu.testsupport.TestTokens;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seed 004 §3.5 / §5.3 item 6 on real PostgreSQL and RabbitMQ: ticket-service's link event tells chat
 * whose customer a chat customer is; the customer's consultation reaches that provider live and in
 * {@code /api/chat/messages}; the provider answers into the customer's conversation and escalates it
 * into a ticket (ticket-service's internal API, played by WireMock); message-center messages reach an
 * online provider over STOMP. Nobody else's customer is visible.
 */
class ProviderChatIT extends ChatItSupport {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Autowired
    Environment environment;
    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    JdbcTemplate jdbc;

    UUID tenant;
    UUID providerA;
    UUID providerB;
    String tokenA;
    String tokenB;
    Person customer;
    UUID client;

    @BeforeEach
    void aCustomerOfProviderA() {
        tenant = UUID.randomUUID();
        providerA = UUID.randomUUID();
        providerB = UUID.randomUUID();
        tokenA = provider(providerA);
        tokenB = provider(providerB);
        customer = customer(tenant);
        client = UUID.randomUUID();
        linked(client, providerA, customer.id(), Instant.now());
    }

    @Test
    void aConsultationReachesItsProviderWhoAnswersAndEscalatesIt() throws Exception {
        try (StompTestClient a = StompTestClient.connect(ws(), tokenA); StompTestClient b = StompTestClient.connect(ws(), tokenB)) {
            a.subscribe("/user/queue/chat").ready();
            b.subscribe("/user/queue/chat").ready();
            Response asked = call("POST", "/api/message/send", Map.of("content", "端口登录不了"), customer.token());
            assertThat(asked.status()).as(asked.body().toString()).isEqualTo(201);
            JsonNode live = a.await("/user/queue/chat", Duration.ofSeconds(20), f -> "端口登录不了".equals(f.path("message").path("content").asString()));
            assertThat(live.get("customerId").asString()).isEqualTo(client.toString());
            assertThat(live.get("customerName").asString()).isEqualTo("杭州云帆科技");
            Thread.sleep(300); // b would have had it by now; it is not b's customer
            assertThat(b.drain("/user/queue/chat")).isEmpty();
        }

        JsonNode page = call("GET", "/api/chat/messages?customerId=" + client, null, tokenA).body();
        assertThat(page.get("total").asLong()).isEqualTo(1);
        assertThat(page.get("messages").get(0).get("content").asString()).isEqualTo("端口登录不了");
        assertThat(page.get("messages").get(0).get("customerId").asString()).isEqualTo(client.toString());

        Response sent = call("POST", "/api/chat/send", Map.of("customerId", client.toString(), "content", "您好，请提供账号"), tokenA);
        assertThat(sent.status()).as(sent.body().toString()).isEqualTo(201);
        String conversation = sent.body().get("conversationId").asString();
        JsonNode history = call("GET", "/api/message/history?conversationId=" + conversation + "&limit=10", null, customer.token()).body();
        JsonNode answer = history.get("messages").get(1);
        assertThat(answer.get("content").asString()).isEqualTo("您好，请提供账号");
        assertThat(answer.get("senderType").asString()).isEqualTo("staff");
        assertThat(answer.get("senderId").asString()).isEqualTo(providerA.toString());
        assertThat(jdbc.queryForObject("select count(*) from kefu_outbox where event_type = 'chat.message.sent.v1' and envelope->'data'->>'messageId' = ?",
                Long.class, sent.body().get("messageId").asString())).isEqualTo(1);
        assertThat(call("GET", "/api/chat/messages?customerId=" + client + "&page=1&pageSize=1", null, tokenA).body().get("messages")
                .get(0).get("content").asString()).isEqualTo("您好，请提供账号");

        UUID ticketId = UUID.randomUUID();
        WIREMOCK.stubFor(post(urlEqualTo("/internal/tickets/from-conversation"))
                .withRequestBody(matchingJsonPath("$.conversationId", com.github.tomakehurst.wiremock.client.WireMock.equalTo(conversation)))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"ticketId\":\"" + ticketId + "\",\"created\":true}")));
        Response escalated = call("POST", "/api/chat/escalate", Map.of("customerId", client.toString(), "content", "账号无法登录，已重置密码仍不行",
                "reason", "需要技术支持"), tokenA);
        assertThat(escalated.status()).as(escalated.body().toString()).isEqualTo(200);
        assertThat(escalated.body().get("ticketId").asString()).isEqualTo(ticketId.toString());
        LoggedRequest request = WIREMOCK.findAll(postRequestedFor(urlEqualTo("/internal/tickets/from-conversation"))
                .withRequestBody(matchingJsonPath("$.conversationId", com.github.tomakehurst.wiremock.client.WireMock.equalTo(conversation))))
                .getFirst();
        assertThat(request.getHeader("X-Kefu-Internal-Token")).isEqualTo("kefu-local-internal-token");
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.get("requestedBy").asString()).isEqualTo(providerA.toString());
        assertThat(body.get("requestedByType").asString()).isEqualTo("provider");
        assertThat(body.get("customerId").asString()).isEqualTo(client.toString());
        assertThat(body.get("chatCustomerId").asString()).isEqualTo(customer.id().toString());
        assertThat(body.get("escalationReason").asString()).isEqualTo("需要技术支持");
        assertThat(body.get("transcript").valueStream().map(l -> l.get("content").asString())).containsExactly("端口登录不了", "您好，请提供账号");
        assertThat(Instant.parse(body.get("firstCustomerMessageAt").asString())).isBefore(Instant.now());
    }

    @Test
    void nobodyElseReadsOrAnswersTheCustomerAndBadInputIsRefused() {
        assertThat(call("POST", "/api/message/send", Map.of("content", "在吗"), customer.token()).status()).isEqualTo(201);
        // another provider, another tenant's provider, a customer, an agent
        assertThat(call("GET", "/api/chat/messages?customerId=" + client, null, tokenB).status()).isEqualTo(404);
        assertThat(call("POST", "/api/chat/send", Map.of("customerId", client.toString(), "content", "x"), tokenB).status()).isEqualTo(404);
        assertThat(call("POST", "/api/chat/escalate", Map.of("customerId", client.toString(), "reason", "x"), tokenB).status()).isEqualTo(404);
        String otherTenants = TestTokens.token(providerA.toString(), UUID.randomUUID().toString(), "provider", List.of("provider"));
        assertThat(call("GET", "/api/chat/messages?customerId=" + client, null, otherTenants).status()).isEqualTo(404);
        assertThat(call("GET", "/api/chat/messages?customerId=" + client, null, customer.token()).status()).isEqualTo(403);
        assertThat(call("GET", "/api/chat/messages?customerId=" + client, null, agent(tenant).token()).status()).isEqualTo(403);
        // bad input: a clear 4xx, nothing stored
        for (String query : List.of("", "?customerId=not-an-id", "?customerId=" + client + "&pageSize=0",
                "?customerId=" + client + "&pageSize=1000000", "?customerId=" + client + "&page=0", "?customerId=" + client + "&page=x")) {
            Response r = call("GET", "/api/chat/messages" + query, null, tokenA);
            assertThat(r.status()).as(query).isEqualTo(400);
        }
        long before = messages();
        assertThat(call("POST", "/api/chat/send", Map.of("customerId", client.toString(), "content", "长".repeat(100_000)), tokenA).status())
                .isEqualTo(400);
        assertThat(call("POST", "/api/chat/send", Map.of("customerId", client.toString(), "content", " "), tokenA).status()).isEqualTo(400);
        assertThat(call("POST", "/api/chat/send", Map.of("customerId", client.toString(), "content", "a\u0007b"), tokenA).status()).isEqualTo(400);
        assertThat(call("POST", "/api/chat/send", "{\"customerId\":", tokenA).status()).isEqualTo(400);
        assertThat(call("POST", "/api/chat/escalate", Map.of("customerId", client.toString()), tokenA).status()).isEqualTo(400);
        assertThat(call("POST", "/api/chat/escalate", Map.of("customerId", client.toString(), "reason", "r".repeat(1001)), tokenA).status())
                .isEqualTo(400);
        assertThat(messages()).isEqualTo(before);
    }

    @Test
    void aCustomerMovedToAnotherProviderIsTheirsFromThenOnAndAnEndedConsultationCannotBeAnswered() {
        assertThat(call("POST", "/api/message/send", Map.of("content", "你好"), customer.token()).status()).isEqualTo(201);
        linked(client, providerB, customer.id(), Instant.now().plusSeconds(1));
        await("moved to B", () -> call("GET", "/api/chat/messages?customerId=" + client, null, tokenB).status() == 200);
        assertThat(call("GET", "/api/chat/messages?customerId=" + client, null, tokenA).status()).isEqualTo(404);
        // an older announcement arriving late changes nothing
        String late = linked(client, providerA, customer.id(), Instant.now().minusSeconds(3600));
        await("late event consumed", () -> jdbc.queryForObject("select count(*) from kefu_inbox where event_id = ?", Long.class, late) == 1);
        assertThat(call("GET", "/api/chat/messages?customerId=" + client, null, tokenA).status()).isEqualTo(404);

        UUID conversation = jdbc.queryForObject("select id from conversation where customer_id = ?", UUID.class, customer.id());
        assertThat(call("POST", "/api/conversations/" + conversation + "/end", Map.of("reason", "user_ended"), customer.token()).status())
                .isEqualTo(200);
        Response none = call("POST", "/api/chat/send", Map.of("customerId", client.toString(), "content", "还在吗"), tokenB);
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.body().get("code").asString()).isEqualTo("no-conversation");
        // a linked customer who never wrote has nothing to escalate
        UUID silent = UUID.randomUUID();
        linked(silent, providerB, UUID.randomUUID(), Instant.now());
        await("linked", () -> call("GET", "/api/chat/messages?customerId=" + silent, null, tokenB).status() == 200);
        assertThat(call("POST", "/api/chat/escalate", Map.of("customerId", silent.toString(), "reason", "r"), tokenB).status()).isEqualTo(409);
    }

    @Test
    void aNewMessageCenterMessageReachesTheOnlineProviderLive() throws Exception {
        try (StompTestClient a = StompTestClient.connect(ws(), tokenA); StompTestClient b = StompTestClient.connect(ws(), tokenB)) {
            a.subscribe("/user/queue/notices").ready();
            b.subscribe("/user/queue/notices").ready();
            UUID notice = UUID.randomUUID();
            TestEvents.publish(rabbit, "ticket.notice.created.v1", tenant, providerA.toString(), 4, Map.of("noticeId", notice.toString(),
                    "providerId", providerA.toString(), "type", "ticket_update", "title", "工单已升级：端口无法登录", "relatedCustomerId",
                    client.toString(), "relatedTicketId", UUID.randomUUID().toString(), "createdAt", Instant.now().toString()));
            JsonNode frame = a.await("/user/queue/notices", Duration.ofSeconds(20), f -> notice.toString().equals(f.path("noticeId").asString()));
            assertThat(frame.get("title").asString()).isEqualTo("工单已升级：端口无法登录");
            assertThat(frame.get("type").asString()).isEqualTo("ticket_update");
            Thread.sleep(300);
            assertThat(b.drain("/user/queue/notices")).isEmpty();
        }
    }

    private long messages() {
        return jdbc.queryForObject("select count(*) from message where tenant_id = ?", Long.class, tenant);
    }

    private String linked(UUID clientId, UUID provider, UUID chatCustomer, Instant at) {
        String id = TestEvents.publish(rabbit, "ticket.client.linked.v1", tenant, clientId.toString(), 5, Map.of("customerId", clientId.toString(),
                "serviceProviderId", provider.toString(), "chatCustomerId", chatCustomer.toString(), "name", "杭州云帆科技", "via", "phone",
                "linkedAt", at.toString()));
        await("link consumed", () -> jdbc.queryForObject("select count(*) from kefu_inbox where event_id = ?", Long.class, id) == 1);
        return id;
    }

    private String provider(UUID id) {
        return TestTokens.token(id.toString(), tenant.toString(), "provider", List.of("provider"));
    }

    private String ws() {
        return "ws://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + "/ws";
    }

    record Response(int status, JsonNode body) {
    }

    private Response call(String method, String path, @Nullable Object body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + environment.getRequiredProperty("local.server.port")
                + path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
