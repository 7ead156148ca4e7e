package io.kefu.push.sender;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import cn.binarywang.wx.miniapp.config.impl.WxMaRedissonConfigImpl;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.push.PushItSupport;
import io.kefu.testsupport.TestTokens;
import me.chanjar.weixin.cp.config.impl.WxCpRedissonConfigImpl;
import me.chanjar.weixin.mp.config.impl.WxMpRedissonConfigImpl;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * WeChat through WxJava with the access tokens chat-service keeps in Redis: the tokens are put where
 * chat's WxJava storage puts them, and push uses them without ever asking WeChat for one.
 */
class WechatSendersIT extends PushItSupport {

    @Autowired
    RedissonClient redisson;

    final UUID tenant = UUID.randomUUID();
    final String admin = admin(tenant);

    @Test
    void anOfficialAccountTemplateMessageUsesChatsToken() {
        WxMpRedissonConfigImpl chats = new WxMpRedissonConfigImpl(redisson, "kefu:chat:wx");
        chats.setAppId("wx-mp-push-it");
        chats.updateAccessToken("MP-TOKEN-FROM-CHAT", 7200);
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/template/send")).withQueryParam("access_token", equalTo("MP-TOKEN-FROM-CHAT"))
                .willReturn(aResponse().withStatus(200).withBody("{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":200228332}")));
        UUID template = template(admin, Map.of("name", "oa-" + UUID.randomUUID(), "channel", "wechat", "kind", "template",
                "providerTemplateId", "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY", "content", "first: 工单 {{ticket}} 有更新\nkeyword1: {{state}}"));
        UUID id = sendAndWait(admin, template, "oXYZ-openid-1", Map.of("ticket", "T-1", "state", "已解决"));
        assertThat(status(id)).isEqualTo("sent");
        LoggedRequest request = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/template/send"))).getLast();
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.path("touser").asString()).isEqualTo("oXYZ-openid-1");
        assertThat(body.path("template_id").asString()).isEqualTo("ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY");
        assertThat(body.path("data").path("first").path("value").asString()).isEqualTo("工单 T-1 有更新");
        assertThat(body.path("data").path("keyword1").path("value").asString()).isEqualTo("已解决");
        assertThat(WIREMOCK.findAll(getRequestedFor(urlPathEqualTo("/cgi-bin/token")))).as("push never fetches a token").isEmpty();
    }

    @Test
    void aWecomAppMessageUsesChatsToken() {
        WxCpRedissonConfigImpl chats = new WxCpRedissonConfigImpl(redisson, "kefu:chat:wecom");
        chats.setCorpId("ww-push-it");
        chats.setAgentId(1000002);
        chats.updateAccessToken("CP-TOKEN-FROM-CHAT", 7200);
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/send")).withQueryParam("access_token", equalTo("CP-TOKEN-FROM-CHAT"))
                .willReturn(aResponse().withStatus(200).withBody("{\"errcode\":0,\"errmsg\":\"ok\",\"invaliduser\":\"\",\"msgid\":\"cp-1\"}")));
        UUID template = template(admin, Map.of("name", "cp-" + UUID.randomUUID(), "channel", "wechat", "kind", "wecom",
                "content", "新工单 {{ticket}}"));
        UUID id = sendAndWait(admin, template, "zhangsan", Map.of("ticket", "T-2"));
        assertThat(status(id)).isEqualTo("sent");
        JsonNode body = JSON.readTree(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/send"))).getLast().getBodyAsString());
        assertThat(body.path("touser").asString()).isEqualTo("zhangsan");
        assertThat(body.path("msgtype").asString()).isEqualTo("text");
        assertThat(body.path("agentid").asInt()).isEqualTo(1000002);
        assertThat(body.path("text").path("content").asString()).isEqualTo("新工单 T-2");
    }

    @Test
    void oneSubscribeAuthorisationAllowsOneMessage() {
        WxMaRedissonConfigImpl token = new WxMaRedissonConfigImpl(redisson, "kefu:push:wxa");
        token.setAppid("wx-ma-push-it");
        token.updateAccessToken("MA-TOKEN", 7200);
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/subscribe/send"))
                .willReturn(aResponse().withStatus(200).withBody("{\"errcode\":0,\"errmsg\":\"ok\"}")));
        String openid = "o-sub-" + UUID.randomUUID().toString().substring(0, 8);
        String customer = TestTokens.token(UUID.randomUUID().toString(), tenant.toString(), "customer", List.of("customer"));
        Response recorded = call("POST", "/api/push/subscribe", Map.of("openid", openid, "templateIds", List.of("SUB_TPL_1")), customer);
        assertThat(recorded.status()).isEqualTo(200);
        assertThat(call("POST", "/api/push/subscribe", Map.of("openid", "bad id!", "templateIds", List.of("x")), customer).status()).isEqualTo(400);
        UUID template = template(admin, Map.of("name", "sub-" + UUID.randomUUID(), "channel", "wechat", "kind", "subscribe",
                "providerTemplateId", "SUB_TPL_1", "page", "pages/chat/chat?id=123", "content", "thing1: {{title}}\ntime2: {{time}}"));

        UUID first = sendAndWait(admin, template, openid, Map.of("title", "客服消息", "time", "2024-01-01 10:00"));
        assertThat(status(first)).isEqualTo("sent");
        JsonNode body = JSON.readTree(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/subscribe/send"))).getLast()
                .getBodyAsString());
        assertThat(body.path("touser").asString()).isEqualTo(openid);
        assertThat(body.path("template_id").asString()).isEqualTo("SUB_TPL_1");
        assertThat(body.path("page").asString()).isEqualTo("pages/chat/chat?id=123");
        assertThat(body.path("data").path("thing1").path("value").asString()).isEqualTo("客服消息");

        UUID second = sendAndWait(admin, template, openid, Map.of("title", "again", "time", "2024-01-01 10:01"));
        assertThat(status(second)).isEqualTo("failed");
        assertThat(call("GET", "/api/messages/traces/" + second, null, admin).body().path("failureReason").asString())
                .contains("no subscribe authorisation");
    }
}
