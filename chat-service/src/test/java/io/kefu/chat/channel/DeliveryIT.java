package io.kefu.chat.channel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.MessageView;
import io.kefu.chat.conversation.SendCommand;
import io.kefu.common.event.EventJson;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.testsupport.TestEvents;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Staff replies leave through WeChat: chat.message.sent.v1 → the delivery consumer → WxJava → the
 * WireMock-played API; the result comes back as the message's status (and chat.message.failed.v1).
 */
class DeliveryIT extends ChannelItSupport {

    @Autowired
    MessageSending conversations;

    @Autowired
    RedissonClient redisson;

    @Autowired
    WecomPacer pacer;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    ChannelAccounts accounts;

    @Autowired
    io.kefu.common.config.LiveProperties<ChannelProperties> channelProperties;

    @Test
    void aStaffReplyReachesTheCustomerServiceApiAndTheTokenIsFetchedOnceThenSharedThroughRedis() throws Exception {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        String token = stubToken(mp);
        stubSend(token, "{\"errcode\":0,\"errmsg\":\"ok\"}");
        UUID conversationId = conversationOf(mp, openid);
        KefuPrincipal agent = agent(mp);

        MessageView first = conversations.send(agent, new SendCommand(conversationId, "text", "您好，已为您查询到订单", null, null, null, null));
        assertThat(first.status()).isEqualTo("sending");
        await("the first reply is sent", () -> "sent".equals(status(first.id()).get("status")));
        MessageView second = conversations.send(agent, new SendCommand(conversationId, "text", "还有什么可以帮您？", null, null, null, null));
        await("the second reply is sent", () -> "sent".equals(status(second.id()).get("status")));

        WIREMOCK.verify(1, postRequestedFor(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .withRequestBody(equalToJson("{\"touser\":\"" + openid + "\",\"msgtype\":\"text\",\"text\":{\"content\":\"您好，已为您查询到订单\"}}")));
        WIREMOCK.verify(1, postRequestedFor(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .withRequestBody(equalToJson("{\"touser\":\"" + openid + "\",\"msgtype\":\"text\",\"text\":{\"content\":\"还有什么可以帮您？\"}}")));
        assertThat(tokenFetches(mp)).isEqualTo(1);
        assertThat(redisson.getKeys().countExists(WechatClients.MP_KEY_PREFIX + ":access_token:" + mp.appId())).isEqualTo(1);
        assertThat(status(first.id()).get("sent_at")).isNotNull();

        // Another instance (its own clients, same Redis) uses the same token without fetching one.
        WechatClients otherInstance = new WechatClients(redisson, channelProperties);
        ChannelAccounts.Known account = accounts.cachedById(mp.id()).orElseThrow();
        assertThat(otherInstance.mp(account.account(), account.secrets(), 0).getAccessToken()).isEqualTo(token);
        assertThat(tokenFetches(mp)).isEqualTo(1);
    }

    @Test
    void anImageWithAMediaIdIsSentAsAnImageMessage() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        String token = stubToken(mp);
        stubSend(token, "{\"errcode\":0,\"errmsg\":\"ok\"}");
        UUID conversationId = conversationOf(mp, openid);

        MessageView image = conversations.send(agent(mp), new SendCommand(conversationId, "image", "截图",
                EventJson.mapper().createObjectNode().put("mediaId", "MEDIA-42"), null, null, null));

        await("the image is sent", () -> "sent".equals(status(image.id()).get("status")));
        WIREMOCK.verify(1, postRequestedFor(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .withRequestBody(equalToJson("{\"touser\":\"" + openid + "\",\"msgtype\":\"image\",\"image\":{\"media_id\":\"MEDIA-42\"}}")));
    }

    @Test
    void aClosedWindow45015MarksTheMessageFailedAndAnnouncesIt() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        String token = stubToken(mp);
        stubSend(token, "{\"errcode\":45015,\"errmsg\":\"response out of time limit or subscription is canceled\"}");
        UUID conversationId = conversationOf(mp, openid);

        MessageView reply = conversations.send(agent(mp), new SendCommand(conversationId, "text", "两天后的回复", null, null, null, null));

        await("the reply is failed", () -> "failed".equals(status(reply.id()).get("status")));
        Map<String, Object> failed = status(reply.id());
        assertThat(failed).containsEntry("failure_code", "45015");
        assertThat((String) failed.get("failure_reason")).contains("out of time limit");
        JsonNode event = EventJson.mapper().readTree(jdbc.queryForObject("select envelope::text from kefu_outbox "
                + "where event_type = 'chat.message.failed.v1' and envelope -> 'data' ->> 'messageId' = ?", String.class, reply.id().toString()));
        assertThat(event.path("data").path("errorCode").asString()).isEqualTo("45015");
        assertThat(event.path("data").path("channelUserId").asString()).isEqualTo(openid);
    }

    @Test
    void aBusyWechatIsRetriedUntilItAccepts() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        String token = stubToken(mp);
        String scenario = "busy-" + mp.appId();
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("recovered")
                .willReturn(json("{\"errcode\":-1,\"errmsg\":\"system error\"}")));
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .inScenario(scenario).whenScenarioStateIs("recovered").willReturn(json("{\"errcode\":0,\"errmsg\":\"ok\"}")));
        UUID conversationId = conversationOf(mp, openid);

        MessageView reply = conversations.send(agent(mp), new SendCommand(conversationId, "text", "稍等", null, null, null, null));

        await("the reply is sent on a later attempt", () -> "sent".equals(status(reply.id()).get("status")));
        WIREMOCK.verify(2, postRequestedFor(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token)));
    }

    @Test
    void aReplyToAWecomExternalContactFailsWithAClearCode() {
        Wecom app = newWecom();
        String external = "wm" + hex(30);
        stubCustomer(external, UUID.randomUUID(), 0);
        long msgId = msgId();
        assertThat(postWecom(app, WecomCallbackIT.wecomText(app, external, "你好", msgId), now()).status()).isEqualTo(200);
        await("the customer's message is stored", () -> messages(app.tenantId(), Long.toString(msgId)) == 1);
        UUID conversationId = (UUID) message(app.tenantId(), Long.toString(msgId)).get("conversation_id");

        MessageView reply = conversations.send(new KefuPrincipal(UUID.randomUUID(), app.tenantId(), "staff", Set.of("agent")),
                new SendCommand(conversationId, "text", "您好", null, null, null, null));

        await("the reply is failed", () -> "failed".equals(status(reply.id()).get("status")));
        assertThat(status(reply.id())).containsEntry("failure_code", MessageDelivery.EXTERNAL_UNSUPPORTED);
    }

    @Test
    void wecomAppMessagesArePacedPerRecipientAcrossInstances() {
        String corpId = "ww" + hex(16);
        for (int i = 0; i < 30; i++) {
            assertThat(pacer.tryAcquire(corpId, "wangwu")).as("message %d of the minute", i + 1).isTrue();
        }
        assertThat(pacer.tryAcquire(corpId, "wangwu")).as("the 31st within a minute").isFalse();
        assertThat(pacer.tryAcquire(corpId, "zhaoliu")).as("another member has their own budget").isTrue();
    }

    @Test
    void aReplyToAWecomEmployeeGoesThroughTheAppMessageApi() {
        Wecom app = newWecom();
        String token = "CPTOKEN-" + app.corpId();
        WIREMOCK.stubFor(get(urlPathEqualTo("/cgi-bin/gettoken")).withQueryParam("corpid", equalTo(app.corpId()))
                .willReturn(json("{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"" + token + "\",\"expires_in\":7200}")));
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/send")).withQueryParam("access_token", equalTo(token))
                .willReturn(json("{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":\"m1\"}")));
        // A conversation whose channel user is an employee (e.g. an internal help desk).
        UUID customerId = UUID.randomUUID();
        stubCustomer("zhouqi", customerId, 0);
        long msgId = msgId();
        jdbc.update("insert into wecom_contact_binding (account_id, external_user_id, follow_user_id, tenant_id, customer_id, status, "
                + "created_at, updated_at) values (?, 'zhouqi', 'boss', ?, ?, 'deleted_by_staff', now(), now())", app.id(), app.tenantId(), customerId);
        assertThat(postWecom(app, WecomCallbackIT.wecomText(app, "zhouqi", "打印机坏了", msgId), now()).status()).isEqualTo(200);
        await("the message is stored", () -> messages(app.tenantId(), Long.toString(msgId)) == 1);
        UUID conversationId = (UUID) message(app.tenantId(), Long.toString(msgId)).get("conversation_id");
        jdbc.update("delete from wecom_contact_binding where account_id = ?", app.id());

        MessageView reply = conversations.send(new KefuPrincipal(UUID.randomUUID(), app.tenantId(), "staff", Set.of("agent")),
                new SendCommand(conversationId, "text", "马上来修", null, null, null, null));

        await("the reply is sent", () -> "sent".equals(status(reply.id()).get("status")));
        WIREMOCK.verify(1, postRequestedFor(urlPathEqualTo("/cgi-bin/message/send")).withQueryParam("access_token", equalTo(token))
                .withRequestBody(equalToJson("{\"touser\":\"zhouqi\",\"msgtype\":\"text\",\"agentid\":" + app.agentId()
                        + ",\"text\":{\"content\":\"马上来修\"}}", true, true)));
    }

    @Test
    void anOfficialAccountCustomerIsToldTheirPlaceInTheQueueOnceAsAMessage() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        String token = stubToken(mp);
        stubSend(token, "{\"errcode\":0,\"errmsg\":\"ok\"}");
        UUID conversationId = conversationOf(mp, openid);
        Map<String, Object> position = Map.of("conversationId", conversationId.toString(), "customerId", UUID.randomUUID().toString(),
                "groupName", "default", "priority", 0, "position", 3, "estimatedWaitSeconds", 300, "reason", "human_first",
                "enqueuedAt", java.time.Instant.now().toString());

        TestEvents.publish(rabbit, "routing.conversation.queued.v1", mp.tenantId(), conversationId.toString(), 5, position);
        // a later move is not sent to WeChat (no socket to update quietly; the account's sends are limited)
        TestEvents.publish(rabbit, "routing.queue.position.v1", mp.tenantId(), conversationId.toString(), 5,
                Map.of("conversationId", conversationId.toString(), "customerId", UUID.randomUUID().toString(), "position", 1,
                        "estimatedWaitSeconds", 60, "at", java.time.Instant.now().toString()));
        // consumed in order after the two above: once its message exists, the position event was handled
        TestEvents.publish(rabbit, "routing.conversation.inactivity-warning.v1", mp.tenantId(), conversationId.toString(), 5,
                Map.of("conversationId", conversationId.toString(), "customerId", UUID.randomUUID().toString(), "closesInSeconds", 300,
                        "at", java.time.Instant.now().toString()));

        String notice = "正在为您转接人工客服，您前面还有 2 位，预计等待约 5 分钟。";
        await("the notice and the warning are sent", () -> WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/custom/send"))
                .withRequestBody(containing(openid))).size() == 2);
        WIREMOCK.verify(1, postRequestedFor(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .withRequestBody(equalToJson("{\"touser\":\"" + openid + "\",\"msgtype\":\"text\",\"text\":{\"content\":\"" + notice
                        + "\"}}")));
        assertThat(jdbc.queryForList("select content from message where conversation_id = ? and sender_type = 'system' order by seq",
                String.class, conversationId)).hasSize(2).first().isEqualTo(notice);
    }

    @Test
    void routingsAnswerToAStaffCommandReachesTheEmployeeAsAnAppMessage() {
        Wecom app = newWecom();
        String token = "CPTOKEN-" + app.corpId();
        WIREMOCK.stubFor(get(urlPathEqualTo("/cgi-bin/gettoken")).withQueryParam("corpid", equalTo(app.corpId()))
                .willReturn(json("{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"" + token + "\",\"expires_in\":7200}")));
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/send")).withQueryParam("access_token", equalTo(token))
                .willReturn(json("{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":\"m2\"}")));
        String text = "已转接工程师：会话 3f2a1b0c 已进入 engineers 组的队列";

        TestEvents.publish(rabbit, "routing.staff-command.answered.v1", app.tenantId(), app.corpId() + ":zhangsan", 6, answer(app, text));
        // the same corp and app named under another tenant is not this tenant's app: nothing is sent for it
        TestEvents.publish(rabbit, "routing.staff-command.answered.v1", UUID.randomUUID(), app.corpId() + ":zhangsan", 6,
                answer(app, "别的租户"));

        await("the answer is sent", () -> !WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/send"))
                .withRequestBody(containing(text))).isEmpty());
        WIREMOCK.verify(1, postRequestedFor(urlPathEqualTo("/cgi-bin/message/send")).withQueryParam("access_token", equalTo(token))
                .withRequestBody(equalToJson("{\"touser\":\"zhangsan\",\"msgtype\":\"text\",\"agentid\":" + app.agentId()
                        + ",\"text\":{\"content\":\"" + text + "\"}}", true, true)));
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/send")).withRequestBody(containing("别的租户"))))
                .isEmpty();
    }

    private static Map<String, Object> answer(Wecom app, String text) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("corpId", app.corpId());
        data.put("agentId", app.agentId());
        data.put("staffUserId", "zhangsan");
        data.put("staffId", UUID.randomUUID().toString());
        data.put("command", "转接工程师");
        data.put("outcome", "done");
        data.put("code", "transferred");
        data.put("text", text);
        data.put("conversationId", UUID.randomUUID().toString());
        data.put("msgId", "wecom:" + app.corpId() + ":" + app.agentId() + ":1");
        data.put("at", java.time.Instant.now().toString());
        return data;
    }

    // ---- helpers ----

    private UUID conversationOf(Mp mp, String openid) {
        stubCustomer(openid, UUID.randomUUID(), 0);
        long msgId = msgId();
        assertThat(postMpPlain(mp, mpText(openid, now(), "我要咨询", msgId), now()).body()).isEqualTo("success");
        await("the customer's message is stored", () -> messages(mp.tenantId(), Long.toString(msgId)) == 1);
        return (UUID) message(mp.tenantId(), Long.toString(msgId)).get("conversation_id");
    }

    private static KefuPrincipal agent(Mp mp) {
        return new KefuPrincipal(UUID.randomUUID(), mp.tenantId(), "staff", Set.of("agent"));
    }

    /** WeChat hands out one token per account; both token endpoints are played so any fetch is counted. */
    private static String stubToken(Mp mp) {
        String token = "TOKEN-" + mp.appId();
        String body = "{\"access_token\":\"" + token + "\",\"expires_in\":7200}";
        WIREMOCK.stubFor(get(urlPathEqualTo("/cgi-bin/token")).withQueryParam("appid", equalTo(mp.appId())).willReturn(json(body)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/stable_token")).withRequestBody(containing(mp.appId())).willReturn(json(body)));
        return token;
    }

    private static void stubSend(String token, String answer) {
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .willReturn(json(answer)));
    }

    private static int tokenFetches(Mp mp) {
        return WIREMOCK.findAll(getRequestedFor(urlPathEqualTo("/cgi-bin/token")).withQueryParam("appid", equalTo(mp.appId()))).size()
                + WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/stable_token")).withRequestBody(containing(mp.appId()))).size();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private Map<String, Object> status(UUID messageId) {
        return jdbc.queryForMap("select status, failure_code, failure_reason, sent_at from message where id = ?", messageId);
    }
}
