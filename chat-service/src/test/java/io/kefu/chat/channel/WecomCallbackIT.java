package io.kefu.chat.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.event.EventJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** WeCom app callbacks: URL verification, external contacts (events and messages) and employees' messages. */
class WecomCallbackIT extends ChannelItSupport {

    @Test
    void urlVerificationAnswersTheDecryptedEchostr() {
        Wecom app = newWecom();
        String echostr = WechatTestCrypto.encrypt(app.aesKey(), app.corpId(), "5927782489442352469");
        String ts = Long.toString(now());
        String nonce = nonce();
        String signature = WechatTestCrypto.sha1(app.token(), ts, nonce, echostr);
        String path = "/callback/wecom/" + app.corpId() + "/" + app.agentId() + "?timestamp=" + ts + "&nonce=" + nonce + "&echostr="
                + URLEncoder.encode(echostr, StandardCharsets.UTF_8);

        Response good = http("GET", path + "&msg_signature=" + signature, null, null, null);
        Response bad = http("GET", path + "&msg_signature=" + WechatTestCrypto.sha1("other", ts, nonce, echostr), null, null, null);

        assertThat(good.status()).as(good.body()).isEqualTo(200);
        assertThat(good.body()).isEqualTo("5927782489442352469");
        assertThat(bad.status()).isEqualTo(403);
    }

    @Test
    void addingAnExternalContactBindsItToACustomerAndDeletionIsRecorded() {
        Wecom app = newWecom();
        String external = "wm" + hex(30);
        UUID customerId = UUID.randomUUID();
        stubCustomer(external, customerId, 0);
        long t = now();

        Response added = postWecom(app, contactEvent(app, "add_external_contact", external, "zhangsan", "store42", t), now());

        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(added.body()).isEqualTo("success");
        await("the binding is recorded", () -> jdbc.queryForObject("select count(*) from wecom_contact_binding where account_id = ?", Long.class,
                app.id()) == 1);
        Map<String, Object> binding = jdbc.queryForMap("select * from wecom_contact_binding where account_id = ?", app.id());
        assertThat(binding).containsEntry("external_user_id", external).containsEntry("follow_user_id", "zhangsan")
                .containsEntry("state", "store42").containsEntry("customer_id", customerId).containsEntry("tenant_id", app.tenantId())
                .containsEntry("status", "active");
        // ticket-service hears of it (to link the contact to a provider's customer): once, with the employee and the state
        Map<String, Object> event = jdbc.queryForMap("select envelope->'data'->>'followUserId' as follow, envelope->'data'->>'customerId' as customer, "
                + "envelope->'data'->>'state' as state, envelope->>'tenantId' as tenant from kefu_outbox "
                + "where event_type = 'chat.wecom.contact-added.v1' and envelope->'data'->>'externalUserId' = ?", external);
        assertThat(event).containsEntry("follow", "zhangsan").containsEntry("customer", customerId.toString()).containsEntry("state", "store42")
                .containsEntry("tenant", app.tenantId().toString());

        postWecom(app, contactEvent(app, "del_follow_user", external, "zhangsan", null, t + 5), now());
        await("the customer's deletion is recorded", () -> "deleted_by_customer".equals(jdbc.queryForObject(
                "select status from wecom_contact_binding where account_id = ?", String.class, app.id())));
    }

    @Test
    void anExternalContactsEncryptedMessageBecomesAConversationMessage() {
        Wecom app = newWecom();
        String external = "wm" + hex(30);
        UUID customerId = UUID.randomUUID();
        stubCustomer(external, customerId, 0);
        long msgId = msgId();

        Response answer = postWecom(app, wecomText(app, external, "我的快递到哪了", msgId), now());

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        await("the message is stored", () -> messages(app.tenantId(), Long.toString(msgId)) == 1);
        assertThat(message(app.tenantId(), Long.toString(msgId))).containsEntry("content", "我的快递到哪了").containsEntry("channel", "wecom")
                .containsEntry("sender_type", "customer").containsEntry("conversation_channel", "wecom")
                .containsEntry("channel_user_id", external).containsEntry("channel_account_id", app.id()).containsEntry("customer_id", customerId);
    }

    @Test
    void anEmployeesMessageIsAStaffMessageEventNotACustomerMessage() {
        Wecom app = newWecom();
        long msgId = msgId();

        Response answer = postWecom(app, wecomText(app, "lisi", "#转接工程师 订单 A-1001", msgId), now());

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        await("the staff message event is in the outbox", () -> staffEvents(app).size() == 1);
        JsonNode envelope = staffEvents(app).getFirst();
        assertThat(envelope.path("tenantId").asString()).isEqualTo(app.tenantId().toString());
        JsonNode data = envelope.path("data");
        assertThat(data.path("corpId").asString()).isEqualTo(app.corpId());
        assertThat(data.path("agentId").asInt()).isEqualTo(app.agentId());
        assertThat(data.path("staffUserId").asString()).isEqualTo("lisi");
        assertThat(data.path("msgType").asString()).isEqualTo("text");
        assertThat(data.path("content").asString()).isEqualTo("#转接工程师 订单 A-1001");
        assertThat(data.path("msgId").asString()).isEqualTo(Long.toString(msgId));
        assertThat(messages(app.tenantId(), Long.toString(msgId))).isZero();
        assertThat(jdbc.queryForObject("select count(*) from conversation where tenant_id = ?", Long.class, app.tenantId())).isZero();

        // WeCom's retry of the same message publishes nothing more.
        postWecom(app, wecomText(app, "lisi", "#转接工程师 订单 A-1001", msgId), now());
        assertThat(inboundRows(app.id())).isEqualTo(1);
        assertThat(staffEvents(app)).hasSize(1);
    }

    private java.util.List<JsonNode> staffEvents(Wecom app) {
        return jdbc.queryForList("select envelope::text from kefu_outbox where event_type = 'chat.wecom.staff-message.v1' "
                + "and envelope -> 'data' ->> 'corpId' = ?", String.class, app.corpId()).stream().map(EventJson.mapper()::readTree).toList();
    }

    static String wecomText(Wecom app, String from, String content, long msgId) {
        return "<xml><ToUserName><![CDATA[" + app.corpId() + "]]></ToUserName><FromUserName><![CDATA[" + from + "]]></FromUserName><CreateTime>"
                + now() + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + content + "]]></Content><MsgId>" + msgId
                + "</MsgId><AgentID>" + app.agentId() + "</AgentID></xml>";
    }

    static String contactEvent(Wecom app, String changeType, String external, String follower, String state, long createTime) {
        return "<xml><ToUserName><![CDATA[" + app.corpId() + "]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>"
                + createTime + "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event>"
                + "<ChangeType><![CDATA[" + changeType + "]]></ChangeType><UserID><![CDATA[" + follower + "]]></UserID>"
                + "<ExternalUserID><![CDATA[" + external + "]]></ExternalUserID>"
                + (state == null ? "" : "<State><![CDATA[" + state + "]]></State><WelcomeCode><![CDATA[WELCOME]]></WelcomeCode>") + "</xml>";
    }
}
