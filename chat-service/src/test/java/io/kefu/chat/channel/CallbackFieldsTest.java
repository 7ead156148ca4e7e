package io.kefu.chat.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;

import io.kefu.common.error.KefuProblemException;
import me.chanjar.weixin.cp.bean.message.WxCpXmlMessage;
import me.chanjar.weixin.mp.bean.message.WxMpXmlMessage;
import org.junit.jupiter.api.Test;

/**
 * The fields a callback's row is stored by are read from the one DOM parse of the message (no XStream
 * before the answer): they must be the ones WxJava's own reading gives, for every kind of message.
 */
class CallbackFieldsTest {

    private static final String HEAD = "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oUser_28characters_abcdefghi]]>"
            + "</FromUserName><CreateTime>1764500000</CreateTime>";

    private static final List<String> MP = List.of(
            HEAD + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[我的订单 <b>什么时候</b> 发货？]]></Content><MsgId>24012345678901234"
                    + "</MsgId></xml>",
            HEAD + "<MsgType>text</MsgType><Content>no CDATA &amp; an entity</Content><MsgId>1</MsgId></xml>",
            HEAD + "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.example/p.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>"
                    + "<MsgId>9223372036854775807</MsgId></xml>",
            HEAD + "<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y>"
                    + "<Scale>20</Scale><Label><![CDATA[广州市]]></Label><MsgId>42</MsgId></xml>",
            HEAD + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123]]></EventKey>"
                    + "<Ticket><![CDATA[TICKET]]></Ticket></xml>",
            HEAD + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[123]]></EventKey></xml>",
            HEAD + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[V1001_TODAY]]></EventKey></xml>",
            HEAD + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[unsubscribe]]></Event></xml>",
            HEAD + "<MsgType><![CDATA[Event]]></MsgType><Event><![CDATA[VIEW]]></Event><EventKey><![CDATA[https://example.com]]></EventKey>"
                    + "<MsgId>77</MsgId></xml>",
            "<xml>\n  <ToUserName>gh</ToUserName>\n  <FromUserName> spaced </FromUserName>\n  <CreateTime>1764500000</CreateTime>\n"
                    + "  <MsgType>TEXT</MsgType>\n  <Content>x</Content>\n  <MsgId>5</MsgId>\n</xml>");

    @Test
    void officialAccountFieldsReadFromTheDomAreWxJavasOwn() {
        for (String xml : MP) {
            InboundRows.Received ours = MpCallbackController.received(CallbackGuard.parse(xml), xml);
            WxMpXmlMessage theirs = WxMpXmlMessage.fromXml(xml);
            String type = theirs.getMsgType().toLowerCase(Locale.ROOT);
            boolean event = "event".equals(type);
            assertThat(ours.fromUser()).as(xml).isEqualTo(theirs.getFromUser());
            assertThat(ours.msgType()).as(xml).isEqualTo(type);
            assertThat(ours.dedupeKey()).as(xml).isEqualTo(!event && theirs.getMsgId() != null ? theirs.getMsgId().toString()
                    : theirs.getFromUser() + ":" + theirs.getCreateTime());
            assertThat(ours.event()).as(xml).isEqualTo(event ? theirs.getEvent() : null);
            assertThat(ours.eventKey()).as(xml).isEqualTo(event ? theirs.getEventKey() : null);
            assertThat(ours.rawXml()).isSameAs(xml);
        }
    }

    @Test
    void weComFieldsReadFromTheDomAreWxJavasOwn() {
        String head = "<xml><ToUserName><![CDATA[ww0123456789abcdef]]></ToUserName>";
        List<String> messages = List.of(
                head + "<FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1764500000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                        + "<Content><![CDATA[#转接工程师]]></Content><MsgId>1234567890123456</MsgId><AgentID>1000002</AgentID></xml>",
                head + "<FromUserName><![CDATA[wmAbCdEfGhIjKlMnOpQrStUvWx]]></FromUserName><CreateTime>1764500001</CreateTime>"
                        + "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://p]]></PicUrl><MediaId><![CDATA[m]]></MediaId>"
                        + "<MsgId>99</MsgId><AgentID>1000002</AgentID></xml>",
                head + "<FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1764500002</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                        + "<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType>"
                        + "<UserID><![CDATA[lisi]]></UserID><ExternalUserID><![CDATA[wmAbCdEfGhIjKlMnOpQrStUvWx]]></ExternalUserID>"
                        + "<State><![CDATA[s1]]></State><WelcomeCode><![CDATA[W]]></WelcomeCode></xml>",
                head + "<FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1764500003</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                        + "<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[del_follow_user]]></ChangeType>"
                        + "<UserID><![CDATA[lisi]]></UserID><ExternalUserID><![CDATA[woXyz0123456789012345678]]></ExternalUserID></xml>",
                head + "<FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1764500004</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                        + "<Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey><AgentID>1000002</AgentID></xml>");
        for (String xml : messages) {
            InboundRows.Received ours = WecomCallbackController.received(CallbackGuard.parse(xml), xml);
            WxCpXmlMessage theirs = WxCpXmlMessage.fromXml(xml, "1000002");
            String type = theirs.getMsgType().toLowerCase(Locale.ROOT);
            boolean event = "event".equals(type);
            String key = !event && theirs.getMsgId() != null ? theirs.getMsgId().toString() : theirs.getFromUserName() + ":" + theirs.getCreateTime()
                    + ("change_external_contact".equals(theirs.getEvent())
                            ? ":" + theirs.getChangeType() + ":" + theirs.getExternalUserId() + ":" + theirs.getUserId() : "");
            assertThat(ours.fromUser()).as(xml).isEqualTo(theirs.getFromUserName());
            assertThat(ours.msgType()).as(xml).isEqualTo(type);
            assertThat(ours.dedupeKey()).as(xml).isEqualTo(key);
            assertThat(ours.event()).as(xml).isEqualTo(event ? theirs.getEvent() : null);
            assertThat(ours.eventKey()).as(xml).isEqualTo(event ? theirs.getChangeType() : null);
        }
    }

    @Test
    void aMessageWithoutSenderTypeOrTimeOrWithANonNumericIdIsRefused() {
        for (String xml : List.of("<xml><MsgType>text</MsgType><CreateTime>1</CreateTime></xml>",
                "<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime></xml>",
                "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType></xml>",
                "<xml><FromUserName> </FromUserName><MsgType>text</MsgType><CreateTime>1</CreateTime></xml>",
                "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><CreateTime>yesterday</CreateTime></xml>",
                "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><CreateTime>1</CreateTime><MsgId>12ab</MsgId></xml>")) {
            assertThatThrownBy(() -> MpCallbackController.received(CallbackGuard.parse(xml), xml)).as(xml)
                    .isInstanceOfSatisfying(KefuProblemException.class, e -> assertThat(e.problem().status().value()).isEqualTo(400));
            assertThatThrownBy(() -> WecomCallbackController.received(CallbackGuard.parse(xml), xml)).as(xml)
                    .isInstanceOf(KefuProblemException.class);
        }
    }

    @Test
    void aReusedParserStillRefusesADoctype() {
        String doctype = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><FromUserName>&e;</FromUserName></xml>";
        for (int i = 0; i < 3; i++) {
            CallbackGuard.parse(MP.getFirst());
            assertThatThrownBy(() -> CallbackGuard.parse(doctype)).isInstanceOf(KefuProblemException.class);
        }
    }
}
