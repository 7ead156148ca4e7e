package io.kefu.deploy.e2e;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kefu.testsupport.StompTestClient;
import io.kefu.testsupport.WeChatCallbacks;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conversation as people have it, through the gateway and the running jars of auth, chat and routing
 * (separate processes; real PostgreSQL, Redis, RabbitMQ; WeChat played by WireMock): a mini-program
 * customer and an agent talk over STOMP with acks, receipts and all three timestamps, routing assigns
 * the agent; an Official Account follower writes through a real encrypted callback, reaches the same
 * agent, and the reply leaves through WeChat's customer-service message API exactly as WeChat expects.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConversationThroughGatewayE2ETest {

    static final Duration WAIT = GatewayApi.WAIT;
    static final String ADMIN = "e2e-chat-admin"; // its own: the e2e classes share one database
    static final String ADMIN_PASSWORD = "e2e-admin-password-" + UUID.randomUUID();
    static final String MINI_APP = "wx-e2e-chat-" + UUID.randomUUID().toString().substring(0, 8);
    static final String OA_APP = "wx" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    static final String OA_TOKEN = "e2eToken" + UUID.randomUUID().toString().substring(0, 6).replace("-", "");
    static final String OA_AES_KEY = WeChatCallbacks.newEncodingAesKey();

    static WireMockServer wechat;
    static SuiteProcesses suite;
    static GatewayApi api;
    static String superadmin;
    static String tenantId;
    static String agentToken;
    static String agentId;
    static String customerToken;
    static StompTestClient agentSocket;

    @BeforeAll
    static void startTheSuite() throws Exception {
        wechat = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wechat.start();
        wechat.stubFor(get(urlPathEqualTo("/sns/jscode2session")).withQueryParam("js_code", equalTo("customer-code"))
                .willReturn(json("{\"openid\":\"o-mini-" + UUID.randomUUID() + "\",\"session_key\":\"sk\"}")));
        String oaToken = "OA-ACCESS-TOKEN-" + UUID.randomUUID();
        String tokenBody = "{\"access_token\":\"" + oaToken + "\",\"expires_in\":7200}";
        wechat.stubFor(get(urlPathEqualTo("/cgi-bin/token")).willReturn(json(tokenBody)));
        wechat.stubFor(post(urlPathEqualTo("/cgi-bin/stable_token")).willReturn(json(tokenBody)));
        wechat.stubFor(post(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(oaToken))
                .willReturn(json("{\"errcode\":0,\"errmsg\":\"ok\"}")));

        suite = SuiteProcesses.of("auth-service", "chat-service", "routing-service")
                .everywhere("WECHAT_API_BASE_URL", wechat.baseUrl())
                .admin(ADMIN, ADMIN_PASSWORD)
                .start();
        api = suite.api();

        superadmin = api.login(ADMIN, ADMIN_PASSWORD);
        tenantId = api.createTenant(superadmin, "E2E chat shop", MINI_APP);
        GatewayApi.Staff agent = api.createStaff(superadmin, tenantId, "小王", List.of("agent"));
        agentId = agent.id();
        agentToken = agent.token();
        customerToken = api.customerLogin("customer-code", MINI_APP);
    }

    @AfterAll
    static void stopTheSuite() throws Exception {
        if (agentSocket != null) {
            agentSocket.close();
        }
        if (suite != null) {
            suite.close();
        }
        if (wechat != null) {
            wechat.stop();
        }
    }

    @Test
    @Order(1)
    void anAgentComesOnlineAndAMiniProgramCustomerIsServedOverStompWithAllThreeTimestamps() throws Exception {
        // routing learns of the agent from auth's staff event, then the agent goes online.
        awaitTrue("routing knows the agent", () -> status("PUT", "/api/staff/status", agentToken, Map.of("status", "online")) == 200);
        agentSocket = StompTestClient.connect(ws(), agentToken);
        agentSocket.subscribe("/user/queue/messages").subscribe("/user/queue/receipts").subscribe("/user/queue/conversations").ready();

        try (StompTestClient customer = StompTestClient.connect(ws(), customerToken)) {
            customer.subscribe("/user/queue/acks").subscribe("/user/queue/messages").subscribe("/user/queue/receipts")
                    .subscribe("/user/queue/conversations").ready();

            customer.send("/app/chat.send", Map.of("content", "你好，我的订单还没到", "clientMsgId", "e2e-1"));
            JsonNode ack = customer.await("/user/queue/acks", WAIT, f -> "e2e-1".equals(f.path("clientMsgId").asString()));
            assertThat(ack.path("status").asString()).isEqualTo("sent");
            String conversationId = ack.path("conversationId").asString();
            String firstMessage = ack.path("messageId").asString();

            // routing assigns the only online agent; both sides hear of it.
            JsonNode assigned = agentSocket.await("/user/queue/conversations", WAIT, f -> conversationId.equals(f.path("id").asString()));
            assertThat(assigned.path("agentId").asString()).isEqualTo(agentId);
            assertThat(assigned.path("status").asString()).isEqualTo("active");
            customer.await("/user/queue/conversations", WAIT, f -> agentId.equals(f.path("agentId").asString()));
            JsonNode history = call("GET", "/api/message/history?conversationId=" + conversationId, agentToken, null);
            assertThat(history.path("messages").findValuesAsString("content")).containsExactly("你好，我的订单还没到");

            // The agent's client confirms delivery and reading: the customer gets both receipts.
            agentSocket.send("/app/chat.delivered", Map.of("messageIds", List.of(firstMessage)));
            customer.await("/user/queue/receipts", WAIT, f -> f.isArray() && "delivered".equals(f.get(0).path("status").asString()));
            agentSocket.send("/app/chat.read", Map.of("messageIds", List.of(firstMessage)));
            customer.await("/user/queue/receipts", WAIT, f -> f.isArray() && "read".equals(f.get(0).path("status").asString()));

            agentSocket.send("/app/chat.send", Map.of("conversationId", conversationId, "content", "您好，我帮您查一下"));
            JsonNode reply = customer.await("/user/queue/messages", WAIT, f -> "您好，我帮您查一下".equals(f.path("content").asString()));
            customer.send("/app/chat.read", Map.of("messageIds", List.of(reply.path("id").asString())));
            agentSocket.await("/user/queue/receipts", WAIT, f -> f.isArray() && "read".equals(f.get(0).path("status").asString()));

            customer.send("/app/chat.send", Map.of("conversationId", conversationId, "content", "订单号 20250601"));
            agentSocket.await("/user/queue/messages", WAIT, f -> "订单号 20250601".equals(f.path("content").asString()));

            JsonNode stored = call("GET", "/api/message/history?conversationId=" + conversationId, customerToken, null).path("messages");
            assertThat(stored).hasSize(3);
            for (JsonNode message : List.of(stored.get(0), stored.get(1))) {
                assertThat(message.path("status").asString()).isEqualTo("read");
                assertThat(message.path("sentAt").isNull()).as("sentAt").isFalse();
                assertThat(message.path("deliveredAt").isNull()).as("deliveredAt").isFalse();
                assertThat(message.path("readAt").isNull()).as("readAt").isFalse();
            }
        }
    }

    @Test
    @Order(2)
    void anOfficialAccountFollowersEncryptedMessageReachesTheAgentAndTheReplyLeavesThroughWeChat() throws Exception {
        JsonNode channel = call("POST", "/api/admin/channels", superadmin, Map.of("tenantId", tenantId, "kind", "mp", "name", "E2E 服务号",
                "appId", OA_APP, "secret", UUID.randomUUID().toString().replace("-", ""), "token", OA_TOKEN, "encodingAesKey", OA_AES_KEY));
        assertThat(channel.path("appId").asString()).isEqualTo(OA_APP);
        assertThat(channel.toString()).doesNotContain(OA_AES_KEY);

        String openid = "o-oa-" + UUID.randomUUID().toString().substring(0, 12);
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        String nonce = String.valueOf(System.nanoTime());
        String encrypted = WeChatCallbacks.encrypt(OA_AES_KEY, OA_APP,
                WeChatCallbacks.mpText("gh_e2e", openid, Long.parseLong(timestamp), "公众号来的消息：发票怎么开？", System.nanoTime()));
        String query = "?signature=" + WeChatCallbacks.signature(OA_TOKEN, timestamp, nonce) + "&timestamp=" + timestamp + "&nonce=" + nonce
                + "&encrypt_type=aes&msg_signature=" + WeChatCallbacks.msgSignature(OA_TOKEN, timestamp, nonce, encrypted) + "&openid=" + openid;
        HttpResponse<String> answer = api.send(HttpRequest.newBuilder(uri("/callback/mp/" + OA_APP + query))
                .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString(WeChatCallbacks.encryptedBody("gh_e2e", encrypted)))
                .build());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("success");

        JsonNode assigned = agentSocket.await("/user/queue/conversations", WAIT, f -> "mp".equals(f.path("channel").asString())
                && agentId.equals(f.path("agentId").asString()));
        String conversationId = assigned.path("id").asString();
        JsonNode history = call("GET", "/api/message/history?conversationId=" + conversationId, agentToken, null);
        assertThat(history.path("messages").findValuesAsString("content")).containsExactly("公众号来的消息：发票怎么开？");

        JsonNode reply = call("POST", "/api/message/send", agentToken, Map.of("conversationId", conversationId,
                "content", "您好，发票在订单页申请即可"));
        assertThat(reply.path("status").asString()).isEqualTo("sending");

        awaitTrue("WeChat got the reply", () -> !wechat.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/custom/send"))
                .withRequestBody(equalToJson("{\"touser\":\"" + openid + "\",\"msgtype\":\"text\",\"text\":{\"content\":\"您好，发票在订单页申请即可\"}}",
                        true, false))).isEmpty());
        awaitTrue("the reply is marked sent", () -> "sent".equals(lastStatus(conversationId)));
    }

    private static String lastStatus(String conversationId) {
        JsonNode messages = call("GET", "/api/message/history?conversationId=" + conversationId, agentToken, null).path("messages");
        return messages.get(messages.size() - 1).path("status").asString();
    }

    static String ws() {
        return api.ws();
    }

    static URI uri(String path) {
        return api.uri(path);
    }

    static JsonNode call(String method, String path, @Nullable String token, @Nullable Object body) {
        return api.call(method, path, token, body);
    }

    static int status(String method, String path, @Nullable String token, @Nullable Object body) {
        return api.status(method, path, token, body);
    }

    static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        GatewayApi.awaitTrue(what, condition);
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }
}
