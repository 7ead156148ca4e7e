package io.kefu.push.request;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.push.PushItSupport;
import io.kefu.testsupport.TestEvents;
import me.chanjar.weixin.mp.config.impl.WxMpRedissonConfigImpl;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * chat's reply refused with 45015 (the 48-hour window closed) reaches the follower as the tenant's
 * {@code chat-window-closed} Official Account template message: the event goes through RabbitMQ as chat
 * publishes it, a redelivery of it queues nothing more, other refusals and tenants without the template get nothing.
 */
class ChatFallbackIT extends PushItSupport {

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    RedissonClient redisson;

    final UUID tenant = UUID.randomUUID();
    final String admin = admin(tenant);

    private Map<String, Object> failed(UUID messageId, String openid, String code) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("messageId", messageId);
        data.put("conversationId", UUID.randomUUID());
        data.put("customerId", UUID.randomUUID());
        data.put("channel", "mp");
        data.put("channelAccountId", UUID.randomUUID());
        data.put("channelUserId", openid);
        data.put("type", "text");
        data.put("content", "您好，您的退款已经处理完毕，预计三个工作日内到账，请留意");
        data.put("errorCode", code);
        data.put("reason", "response out of time limit or subscription is canceled");
        data.put("failedAt", Instant.parse("2026-11-29T02:30:00Z").toString());
        return data;
    }

    private long messagesTo(String openid) {
        return jdbc.queryForObject("select count(*) from message where tenant_id = ? and recipient = ?", Long.class, tenant, openid);
    }

    @Test
    void aClosedWindowReplyReachesTheFollowerAsTheTenantsTemplateMessageOnce() {
        WxMpRedissonConfigImpl chats = new WxMpRedissonConfigImpl(redisson, "kefu:chat:wx");
        chats.setAppId("wx-mp-push-it");
        chats.updateAccessToken("MP-TOKEN-FROM-CHAT", 7200);
        String openid = "o-fallback-" + UUID.randomUUID().toString().substring(0, 8);
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/template/send")).withRequestBody(containing(openid))
                .willReturn(aResponse().withStatus(200).withBody("{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":1}")));
        template(admin, Map.of("name", "chat-window-closed", "channel", "wechat", "kind", "template", "providerTemplateId", "TPL-window-closed",
                "content", "first: 客服回复了你\nkeyword1: {{content}}\nkeyword2: {{time}}"));

        String eventId = TestEvents.publish(rabbit, "chat.message.failed.v1", tenant, UUID.randomUUID().toString(), 5,
                failed(UUID.randomUUID(), openid, "45015"));
        await("the fallback is sent", Duration.ofMinutes(1), () -> jdbc.queryForObject(
                "select count(*) from message where tenant_id = ? and recipient = ? and status = 'sent'", Long.class, tenant, openid) == 1);

        LoggedRequest request = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/template/send"))
                .withQueryParam("access_token", equalTo("MP-TOKEN-FROM-CHAT")).withRequestBody(containing(openid))).getFirst();
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.path("touser").asString()).isEqualTo(openid);
        assertThat(body.path("template_id").asString()).isEqualTo("TPL-window-closed");
        assertThat(body.path("data").path("keyword1").path("value").asString()).isEqualTo("您好，您的退款已经处理完毕，预计三个工…").hasSize(20);
        assertThat(body.path("data").path("keyword2").path("value").asString()).isEqualTo("2026-11-29 10:30");
        assertThat(jdbc.queryForObject("select idempotency_key from message where tenant_id = ? and recipient = ?", String.class, tenant, openid))
                .isEqualTo("chat-45015-" + eventId);
    }

    @Test
    void otherRefusalsAndTenantsWithoutTheTemplateGetNoFallback() {
        String openid = "o-nofallback-" + UUID.randomUUID().toString().substring(0, 8);
        template(admin, Map.of("name", "chat-window-closed", "channel", "wechat", "kind", "template", "providerTemplateId", "TPL-2",
                "content", "keyword1: {{content}}"));
        // Another refusal (40003, invalid openid) is not a closed window.
        String otherCode = TestEvents.publish(rabbit, "chat.message.failed.v1", tenant, UUID.randomUUID().toString(), 5,
                failed(UUID.randomUUID(), openid, "40003"));
        // A tenant without a chat-window-closed template.
        UUID bare = UUID.randomUUID();
        String noTemplate = TestEvents.publish(rabbit, "chat.message.failed.v1", bare, UUID.randomUUID().toString(), 5,
                failed(UUID.randomUUID(), openid, "45015"));
        await("both events are handled", Duration.ofMinutes(1), () -> jdbc.queryForObject(
                "select count(*) from kefu_inbox where event_id in (?, ?)", Long.class, otherCode, noTemplate) == 2);
        assertThat(messagesTo(openid)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from message where tenant_id = ?", Long.class, bare)).isZero();
    }

    @Test
    void aRedeliveredEventQueuesNoSecondFallback() {
        template(admin, Map.of("name", "chat-window-closed", "channel", "wechat", "kind", "template", "providerTemplateId", "TPL-3",
                "content", "keyword1: {{time}}"));
        String openid = "o-twice-" + UUID.randomUUID().toString().substring(0, 8);
        var envelope = new io.kefu.common.event.EventEnvelope(UUID.randomUUID().toString(), "chat.message.failed.v1", "chat-service",
                Instant.now(), tenant.toString(), "c", 5, null, JSON.valueToTree(failed(UUID.randomUUID(), openid, "45015")));
        var data = new ChatFallback.ChatMessageFailed(UUID.randomUUID(), "mp", openid, "hi", "45015", Instant.now());
        // The handler itself, twice with the same event (as after a crash between send and inbox commit).
        ChatFallback.fallBack(templates, requests, data, envelope);
        ChatFallback.fallBack(templates, requests, data, envelope);
        assertThat(messagesTo(openid)).isEqualTo(1);
    }

    @Autowired
    io.kefu.push.template.Templates templates;
    @Autowired
    Requests requests;
}
