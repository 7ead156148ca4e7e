package io.kefu.chat.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Bad callbacks get a clear refusal (a problem detail with a 4xx status) and leave nothing behind:
 * no stored callback, no message, no call to auth-service.
 */
class CallbackRefusalIT extends ChannelItSupport {

    @Autowired
    MeterRegistry meters;

    private static final String XXE = """
            <?xml version="1.0"?>
            <!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oXXE]]></FromUserName><CreateTime>1700000000</CreateTime>
            <MsgType><![CDATA[text]]></MsgType><Content>&secret;</Content><MsgId>1234567890123456</MsgId></xml>""";

    @Test
    void anUnsignedCallbackIsRefusedWith401() {
        Mp mp = newMp();
        Response unsigned = http("POST", "/callback/mp/" + mp.appId() + "?timestamp=" + now() + "&nonce=abc", "text/xml",
                mpText("o" + hex(27), now(), "hi", msgId()), null);
        assertRefused(mp, unsigned, 401, "unauthorized");
    }

    @Test
    void callbacksAreCountedByPlatformAndOutcomeForOps() {
        Mp mp = newMp();
        double refused = callbacks("refused", "403");
        double accepted = callbacks("accepted", "200");
        long ts = now();
        String nonce = nonce();
        http("POST", "/callback/mp/" + mp.appId() + "?signature=" + WechatTestCrypto.sha1("not-the-token", Long.toString(ts), nonce)
                + "&timestamp=" + ts + "&nonce=" + nonce, "text/xml", mpText("o" + hex(27), ts, "hi", msgId()), null);
        assertThat(postMpPlain(mp, mpText("o" + hex(27), now(), "hi", msgId()), now()).body()).isEqualTo("success");
        // Counted once the request has completed, which may be just after the client has its answer.
        io.kefu.chat.ChatItSupport.await("both callbacks counted",
                () -> callbacks("refused", "403") >= refused + 1 && callbacks("accepted", "200") >= accepted + 1);
        assertThat(callbacks("refused", "403")).isEqualTo(refused + 1);
        assertThat(callbacks("accepted", "200")).isEqualTo(accepted + 1);
        assertThat(meters.find("kefu.websocket.sessions").gauge()).as("the sessions gauge").isNotNull();
    }

    private double callbacks(String outcome, String status) {
        var counter = meters.find("kefu.callbacks").tags("platform", "mp", "outcome", outcome, "status", status).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aBadlySignedCallbackIsRefusedWith403() {
        Mp mp = newMp();
        long ts = now();
        String nonce = nonce();
        Response badlySigned = http("POST", "/callback/mp/" + mp.appId() + "?signature=" + WechatTestCrypto.sha1("not-the-token", Long.toString(ts),
                nonce) + "&timestamp=" + ts + "&nonce=" + nonce, "text/xml", mpText("o" + hex(27), ts, "hi", msgId()), null);
        assertRefused(mp, badlySigned, 403, "bad-signature");
    }

    @Test
    void aSafeModeBodyWithAForeignMsgSignatureIsRefused() {
        Mp mp = newMp();
        long ts = now();
        String nonce = nonce();
        String encrypted = WechatTestCrypto.encrypt(mp.aesKey(), mp.appId(), mpText("o" + hex(27), ts, "hi", msgId()));
        String body = "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[" + encrypted + "]]></Encrypt></xml>";
        Response response = http("POST", "/callback/mp/" + mp.appId() + "?signature=" + WechatTestCrypto.sha1(mp.token(), Long.toString(ts), nonce)
                + "&timestamp=" + ts + "&nonce=" + nonce + "&encrypt_type=aes&msg_signature=" + WechatTestCrypto.sha1(mp.token(), "x", nonce,
                encrypted), "text/xml", body, null);
        assertRefused(mp, response, 403, "bad-signature");
    }

    @Test
    void aSafeModeBodyEncryptedWithAnotherKeyIsRefusedAsUnreadable() {
        Mp mp = newMp();
        Response response = postMpEncrypted(mp, WechatTestCrypto.encrypt(WechatTestCrypto.newAesKey(), mp.appId(),
                mpText("o" + hex(27), now(), "hi", msgId())), now());
        assertRefused(mp, response, 400, "malformed-request");
    }

    @Test
    void aTruncatedBodyIsRefusedWith400() {
        Mp mp = newMp();
        String xml = mpText("o" + hex(27), now(), "hi", msgId());
        assertRefused(mp, postMpPlain(mp, xml.substring(0, xml.length() / 2), now()), 400, "malformed-request");
    }

    @Test
    void anOversizedBodyIsRefusedWith413() {
        Mp mp = newMp();
        String xml = mpText("o" + hex(27), now(), "长".repeat(30_000), msgId()); // ~90 KB of UTF-8, over the 64 KB limit
        assertRefused(mp, postMpPlain(mp, xml, now()), 413, "payload-too-large");
    }

    @Test
    void malformedXmlIsRefusedWith400() {
        Mp mp = newMp();
        assertRefused(mp, postMpPlain(mp, "<xml><FromUserName>o1</FromUserName><MsgType>text</Msg></xml>", now()), 400, "malformed-request");
        assertRefused(mp, postMpPlain(mp, "not xml at all", now()), 400, "malformed-request");
        assertRefused(mp, postMpPlain(mp, "<html><body>hi</body></html>", now()), 400, "malformed-request");
        assertRefused(mp, postMpPlain(mp, "<xml><Content>no sender</Content></xml>", now()), 400, "malformed-request");
    }

    @Test
    void anXxeAttemptIsRefusedWithoutResolvingTheEntity() {
        Mp mp = newMp();
        Response plain = postMpPlain(mp, XXE, now());
        assertRefused(mp, plain, 400, "malformed-request");
        assertThat(plain.body()).doesNotContain("root:");
        // The same inside a safe-mode envelope: decrypted, then refused.
        Response safe = postMpSafe(mp, XXE, now());
        assertRefused(mp, safe, 400, "malformed-request");
        assertThat(safe.body()).doesNotContain("root:");
    }

    @Test
    void anUnknownAppIdIsRefusedWith404() {
        Response response = postMpPlain(new Mp(UUID.randomUUID(), UUID.randomUUID(), "wx" + hex(16), "token123", WechatTestCrypto.newAesKey()),
                mpText("o" + hex(27), now(), "hi", msgId()), now());
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.code()).isEqualTo("not-found");
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aDisabledAccountIsRefusedWith404() {
        Mp mp = newMp();
        Response disabled = json("POST", "/api/admin/channels/" + mp.id() + "/disable", null, admin(mp.tenantId()).token());
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertRefused(mp, postMpPlain(mp, mpText("o" + hex(27), now(), "hi", msgId()), now()), 404, "not-found");
    }

    @Test
    void anAccountDisabledAfterItsCallbacksWereAnsweredIsRefusedAtOnce() {
        Mp mp = newMp();
        Wecom app = newWecom();
        assertThat(postMpPlain(mp, mpText("o" + hex(27), now(), "hi", msgId()), now()).body()).isEqualTo("success"); // cached now
        assertThat(postWecom(app, wecomText(app, msgId()), now()).body()).isEqualTo("success");

        assertThat(json("POST", "/api/admin/channels/" + mp.id() + "/disable", null, admin(mp.tenantId()).token()).status()).isEqualTo(200);
        assertThat(json("POST", "/api/admin/channels/" + app.id() + "/disable", null, admin(app.tenantId()).token()).status()).isEqualTo(200);

        Response oa = postMpPlain(mp, mpText("o" + hex(27), now(), "hi", msgId()), now());
        assertThat(oa.status()).as(oa.body()).isEqualTo(404);
        Response wecom = postWecom(app, wecomText(app, msgId()), now());
        assertThat(wecom.status()).as(wecom.body()).isEqualTo(404);
        assertThat(inboundRows(mp.id())).isEqualTo(1);
        assertThat(inboundRows(app.id())).isEqualTo(1);
    }

    @Test
    void aNewTokenAndKeyApplyAtOnceAfterCallbacksWereAnsweredWithTheOldOnes() {
        Mp mp = newMp();
        assertThat(postMpSafe(mp, mpText("o" + hex(27), now(), "hi", msgId()), now()).body()).isEqualTo("success"); // cached now
        Mp rekeyed = new Mp(mp.id(), mp.tenantId(), mp.appId(), "tok" + hex(10), WechatTestCrypto.newAesKey());

        Response changed = json("PATCH", "/api/admin/channels/" + mp.id(), Map.of("token", rekeyed.token(), "encodingAesKey", rekeyed.aesKey()),
                admin(mp.tenantId()).token());
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);

        Response oldToken = postMpSafe(mp, mpText("o" + hex(27), now(), "old token", msgId()), now());
        assertThat(oldToken.status()).as(oldToken.body()).isEqualTo(403);
        assertThat(oldToken.code()).isEqualTo("bad-signature");
        // Encrypted with the old key: it does not decrypt (400), or not to this appId (403); never stored.
        Response oldKey = postMpSafe(new Mp(mp.id(), mp.tenantId(), mp.appId(), rekeyed.token(), mp.aesKey()),
                mpText("o" + hex(27), now(), "old key", msgId()), now());
        assertThat(oldKey.status()).as(oldKey.body()).isIn(400, 403);
        assertThat(postMpSafe(rekeyed, mpText("o" + hex(27), now(), "new", msgId()), now()).body()).isEqualTo("success");
        assertThat(inboundRows(mp.id())).isEqualTo(2);
    }

    private static String wecomText(Wecom app, long msgId) {
        return "<xml><ToUserName><![CDATA[" + app.corpId() + "]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
                + "<CreateTime>" + now() + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>"
                + msgId + "</MsgId><AgentID>" + app.agentId() + "</AgentID></xml>";
    }

    @Test
    void wecomCallbacksAreCheckedTheSameWay() {
        Wecom app = newWecom();
        String xml = "<xml><ToUserName><![CDATA[" + app.corpId() + "]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
                + "<CreateTime>" + now() + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>"
                + msgId() + "</MsgId><AgentID>" + app.agentId() + "</AgentID></xml>";
        Response unsigned = http("POST", "/callback/wecom/" + app.corpId() + "/" + app.agentId() + "?timestamp=" + now() + "&nonce=n",
                "text/xml", xml, null);
        Response stale = postWecom(app, xml, now() - 1000);
        Response unknown = http("POST", "/callback/wecom/" + app.corpId() + "/1?msg_signature=x&timestamp=" + now() + "&nonce=n", "text/xml",
                xml, null);
        Response xxe = postWecom(app, XXE, now());

        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(stale.status()).isEqualTo(403);
        assertThat(stale.code()).isEqualTo("stale-callback");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(xxe.status()).isEqualTo(400);
        assertThat(inboundRows(app.id())).isZero();
    }

    private void assertRefused(Mp mp, Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.code()).isEqualTo(code);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body()).doesNotContain("success");
        assertThat(inboundRows(mp.id())).isZero();
        assertThat(jdbc.queryForObject("select count(*) from message where tenant_id = ?", Long.class, mp.tenantId())).isZero();
    }
}
