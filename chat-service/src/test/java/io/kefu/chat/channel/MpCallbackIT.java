package io.kefu.chat.channel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.event.EventJson;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Official Account callbacks, safe and plain mode, through to stored conversation messages. */
class MpCallbackIT extends ChannelItSupport {

    @Autowired
    InboundRows rows;

    @Autowired
    InboundRetryJob retryJob;

    @Autowired
    ChannelAccounts accounts;

    @Test
    void safeModeMessageIsAnsweredAtOnceAndStoredAfterAuthAnswers() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        UUID customerId = UUID.randomUUID();
        stubCustomer(openid, customerId, 3000); // auth-service is slow: the answer must not wait for it
        long msgId = msgId();

        Response answer = postMpSafe(mp, mpText(openid, now(), "你好，我的订单还没到", msgId), now());

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("success");
        // When WeChat has its answer, the callback is stored but not processed yet.
        assertThat(jdbc.queryForObject("select status from channel_inbound where account_id = ? and dedupe_key = ?", String.class, mp.id(),
                Long.toString(msgId))).isEqualTo("pending");
        assertThat(messages(mp.tenantId(), Long.toString(msgId))).isZero();

        await("the message is stored once auth-service answered", () -> messages(mp.tenantId(), Long.toString(msgId)) == 1);
        Map<String, Object> message = message(mp.tenantId(), Long.toString(msgId));
        assertThat(message).containsEntry("content", "你好，我的订单还没到").containsEntry("sender_type", "customer")
                .containsEntry("type", "text").containsEntry("channel", "mp").containsEntry("conversation_channel", "mp")
                .containsEntry("channel_user_id", openid).containsEntry("channel_account_id", mp.id()).containsEntry("customer_id", customerId)
                .containsEntry("source", "quick_chat");
        await("the callback row is settled", () -> "done".equals(jdbc.queryForObject(
                "select status from channel_inbound where account_id = ? and dedupe_key = ?", String.class, mp.id(), Long.toString(msgId))));
        assertThat(jdbc.queryForObject("select message_id from channel_inbound where account_id = ? and dedupe_key = ?", UUID.class, mp.id(),
                Long.toString(msgId))).isEqualTo(message.get("id"));
    }

    @Test
    void wechatsThreeDeliveriesOfOneMsgIdMakeOneMessage() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        stubCustomer(openid, UUID.randomUUID(), 0);
        long msgId = msgId();
        long created = now();
        String xml = mpText(openid, created, "在吗", msgId);

        for (int i = 0; i < 3; i++) {
            Response answer = postMpSafe(mp, xml, now());
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("success");
        }

        await("the message is stored", () -> messages(mp.tenantId(), Long.toString(msgId)) == 1);
        await("processing settles", () -> jdbc.queryForObject("select count(*) from channel_inbound where account_id = ? and status = 'pending'",
                Long.class, mp.id()) == 0);
        assertThat(inboundRows(mp.id())).isEqualTo(1);
        assertThat(messages(mp.tenantId(), Long.toString(msgId))).isEqualTo(1);
    }

    @Test
    void aCallbackWithAnOldTimestampIsRefusedAsAReplay() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        stubCustomer(openid, UUID.randomUUID(), 0);
        long msgId = msgId();

        Response old = postMpSafe(mp, mpText(openid, now() - 400, "旧消息", msgId), now() - 301);
        Response future = postMpPlain(mp, mpText(openid, now(), "未来", msgId()), now() + 400);

        assertThat(old.status()).isEqualTo(403);
        assertThat(old.code()).isEqualTo("stale-callback");
        assertThat(future.status()).isEqualTo(403);
        assertThat(inboundRows(mp.id())).isZero();
    }

    @Test
    void plainModeMessagesOfEachKindBecomeConversationMessages() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        stubCustomer(openid, UUID.randomUUID(), 0);
        long t = now();
        long text = msgId();
        long image = msgId();
        long voice = msgId();
        long location = msgId();
        long link = msgId();
        String head = "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[" + openid + "]]></FromUserName><CreateTime>" + t
                + "</CreateTime>";

        for (String xml : new String[] {
                mpText(openid, t, "纯文本", text),
                head + "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.example/pic.jpg]]></PicUrl>"
                        + "<MediaId><![CDATA[media-img-1]]></MediaId><MsgId>" + image + "</MsgId></xml>",
                head + "<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media-voice-1]]></MediaId><Format><![CDATA[amr]]></Format>"
                        + "<Recognition><![CDATA[我要退款]]></Recognition><MsgId>" + voice + "</MsgId></xml>",
                head + "<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y>"
                        + "<Scale>20</Scale><Label><![CDATA[广州市天河区]]></Label><MsgId>" + location + "</MsgId></xml>",
                head + "<MsgType><![CDATA[link]]></MsgType><Title><![CDATA[订单截图]]></Title><Description><![CDATA[看这里]]></Description>"
                        + "<Url><![CDATA[https://example.com/o/1]]></Url><MsgId>" + link + "</MsgId></xml>"}) {
            Response answer = postMpPlain(mp, xml, now());
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("success");
        }

        for (long id : new long[] {text, image, voice, location, link}) {
            await("message " + id, () -> messages(mp.tenantId(), Long.toString(id)) == 1);
        }
        assertThat(message(mp.tenantId(), Long.toString(text))).containsEntry("type", "text").containsEntry("content", "纯文本");
        Map<String, Object> img = message(mp.tenantId(), Long.toString(image));
        assertThat(img).containsEntry("type", "image");
        assertThat(extra(img).path("mediaId").asString()).isEqualTo("media-img-1");
        Map<String, Object> vo = message(mp.tenantId(), Long.toString(voice));
        assertThat(vo).containsEntry("type", "voice").containsEntry("content", "我要退款");
        Map<String, Object> loc = message(mp.tenantId(), Long.toString(location));
        assertThat(loc).containsEntry("type", "text");
        assertThat((String) loc.get("content")).contains("广州市天河区");
        assertThat(extra(loc).path("kind").asString()).isEqualTo("location");
        assertThat(extra(loc).path("latitude").asDouble()).isEqualTo(23.134521);
        Map<String, Object> li = message(mp.tenantId(), Long.toString(link));
        assertThat(li).containsEntry("type", "text");
        assertThat(extra(li).path("kind").asString()).isEqualTo("link");
        assertThat(extra(li).path("url").asString()).isEqualTo("https://example.com/o/1");
        // One customer, one open conversation for all of them.
        assertThat(jdbc.queryForObject("select count(distinct conversation_id) from message where tenant_id = ?", Long.class, mp.tenantId()))
                .isEqualTo(1);
    }

    @Test
    void eventsAreRecordedAndAScanMakesTheNextMessageAQrCodeConversation() {
        Mp mp = newMp();
        String scanner = "o" + hex(27);
        String clicker = "o" + hex(27);
        stubCustomer(scanner, UUID.randomUUID(), 0);
        long t = now();
        String subscribe = event(scanner, t, "subscribe", "qrscene_store42");
        String click = event(clicker, t, "CLICK", "MENU_SERVICE");
        String unsubscribe = event(clicker, t + 1, "unsubscribe", null);

        for (String xml : new String[] {subscribe, click, unsubscribe}) {
            assertThat(postMpPlain(mp, xml, now()).body()).isEqualTo("success");
        }
        await("events are recorded", () -> jdbc.queryForObject("select count(*) from channel_inbound where account_id = ? and status = 'done'",
                Long.class, mp.id()) == 3);
        assertThat(jdbc.queryForList("select event from channel_inbound where account_id = ? order by event", String.class, mp.id()))
                .containsExactly("CLICK", "subscribe", "unsubscribe");
        assertThat(jdbc.queryForObject("select count(*) from conversation where tenant_id = ?", Long.class, mp.tenantId())).isZero();

        long msgId = msgId();
        assertThat(postMpPlain(mp, mpText(scanner, now(), "扫码咨询", msgId), now()).body()).isEqualTo("success");
        await("the message is stored", () -> messages(mp.tenantId(), Long.toString(msgId)) == 1);
        Map<String, Object> message = message(mp.tenantId(), Long.toString(msgId));
        assertThat(message).containsEntry("source", "qr_code");
        assertThat(extra(message).path("scene").asString()).isEqualTo("store42");
    }

    @Test
    void urlVerificationEchoesTheChallengeOnlyWhenSignedWithTheAccountsToken() {
        Mp mp = newMp();
        String ts = Long.toString(now());
        String nonce = nonce();

        Response good = http("GET", "/callback/mp/" + mp.appId() + "?signature=" + WechatTestCrypto.sha1(mp.token(), ts, nonce) + "&timestamp="
                + ts + "&nonce=" + nonce + "&echostr=8834915735812355", null, null, null);
        Response bad = http("GET", "/callback/mp/" + mp.appId() + "?signature=" + WechatTestCrypto.sha1("other", ts, nonce) + "&timestamp="
                + ts + "&nonce=" + nonce + "&echostr=8834915735812355", null, null, null);

        assertThat(good.status()).isEqualTo(200);
        assertThat(good.body()).isEqualTo("8834915735812355");
        assertThat(bad.status()).isEqualTo(403);
        assertThat(bad.code()).isEqualTo("bad-signature");
    }

    @Test
    void aFollowersCallbacksBecomeMessagesInTheOrderTheyWereAnswered() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        stubCustomer(openid, UUID.randomUUID(), 0);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long id = msgId();
            assertThat(postMpSafe(mp, mpText(openid, now(), "第" + i + "条", id), now()).body()).isEqualTo("success");
            sent.add(Long.toString(id));
        }

        awaitMessagesInOrder(mp.tenantId(), sent);
    }

    @Test
    void aMessageWhoseProcessingWasLostIsRecoveredByTheRetryJob() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        stubCustomer(openid, UUID.randomUUID(), 0);
        long msgId = msgId();
        // Stored as the callback stores it, then the instance "dies" before processing.
        ChannelAccount account = accounts.findById(mp.id()).orElseThrow();
        rows.store(account, new InboundRows.Received(Long.toString(msgId), "text", null, null, openid, mpText(openid, now(), "崩溃前", msgId)));
        assertThat(messages(mp.tenantId(), Long.toString(msgId))).isZero();

        await("the job reprocessed the row", () -> {
            retryJob.retryPending();
            return messages(mp.tenantId(), Long.toString(msgId)) == 1;
        });
        assertThat(message(mp.tenantId(), Long.toString(msgId))).containsEntry("content", "崩溃前");
    }

    @Test
    void aBacklogOfSeveralBatchesIsDrainedByOneRunOfTheJobInEachFollowersOrder() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        stubCustomer(openid, UUID.randomUUID(), 0);
        // 250 callbacks stored and never processed (the lanes were full, or the instance died): 2.5 of the job's batches.
        List<String> sent = new ArrayList<>();
        long created = now() - 120;
        for (int i = 0; i < 250; i++) {
            long msgId = msgId();
            sent.add(Long.toString(msgId));
            jdbc.update("insert into channel_inbound (id, tenant_id, account_id, channel, dedupe_key, msg_type, from_user, raw_xml, status, "
                    + "received_at) values (?, ?, ?, 'mp', ?, 'text', ?, ?, 'pending', now() - interval '2 minutes' + ? * interval '1 ms')",
                    UUID.randomUUID(), mp.tenantId(), mp.id(), Long.toString(msgId), openid, mpText(openid, created, "积压" + i, msgId), i);
        }

        retryJob.retryPending();

        awaitMessagesInOrder(mp.tenantId(), sent);
    }

    @Test
    void whileAuthServiceIsDownTheMessageStaysPendingAndIsRetried() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        WIREMOCK.stubFor(post(urlPathEqualTo("/internal/identities/resolve")).withRequestBody(matchingJsonPath("$.value", equalTo(openid)))
                .willReturn(aResponse().withStatus(503)));
        long msgId = msgId();

        assertThat(postMpPlain(mp, mpText(openid, now(), "认证挂了", msgId), now()).body()).isEqualTo("success");

        await("a failed attempt is recorded", () -> jdbc.queryForObject(
                "select count(*) from channel_inbound where account_id = ? and attempts >= 1 and claimed_until is null and last_error is not null",
                Long.class, mp.id()) == 1);
        assertThat(jdbc.queryForObject("select status from channel_inbound where account_id = ?", String.class, mp.id())).isEqualTo("pending");
        assertThat(messages(mp.tenantId(), Long.toString(msgId))).isZero();

        UUID customerId = UUID.randomUUID();
        stubCustomer(openid, customerId, 0); // auth-service is back
        await("the job processed the row", () -> {
            retryJob.retryPending();
            return messages(mp.tenantId(), Long.toString(msgId)) == 1;
        });
        assertThat(message(mp.tenantId(), Long.toString(msgId))).containsEntry("customer_id", customerId);
    }

    @Test
    void theJobDeletesSettledCallbacksPastTheirRetention() {
        Mp mp = newMp();
        String insert = "insert into channel_inbound (id, tenant_id, account_id, channel, dedupe_key, msg_type, from_user, raw_xml, status, "
                + "received_at) values (?, ?, ?, 'mp', ?, 'text', 'o1', '<xml/>', 'done', now() - ?::interval)";
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        jdbc.update(insert, old, mp.tenantId(), mp.id(), "old", "31 days");
        jdbc.update(insert, recent, mp.tenantId(), mp.id(), "recent", "29 days");

        retryJob.retryPending();

        assertThat(jdbc.queryForList("select id from channel_inbound where account_id = ?", UUID.class, mp.id())).containsExactly(recent);
    }

    static String event(String openid, long createTime, String event, String eventKey) {
        return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[" + openid + "]]></FromUserName><CreateTime>"
                + createTime + "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[" + event + "]]></Event>"
                + (eventKey == null ? "" : "<EventKey><![CDATA[" + eventKey + "]]></EventKey>") + "</xml>";
    }

    static JsonNode extra(Map<String, Object> message) {
        return EventJson.mapper().readTree(String.valueOf(message.get("extra")));
    }
}
