package io.kefu.chat.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Bad callbacks that pass the signature: encrypted for another account, identities longer than their
 * columns, NUL characters — each refused with a 4xx problem and nothing stored. And the other side: a
 * burst from one address is all answered {@code success} and stored once, limited only per account.
 */
class CallbackBadInputIT extends ChannelItSupport {

    @Autowired
    ConfigurableEnvironment env;
    @Autowired
    ApplicationContext context;

    @Test
    void aSafeModeCallbackEncryptedForAnotherAppIdIsRefused() {
        Mp mp = newMp();
        String xml = mpText("o" + hex(27), now(), "hi", msgId());
        Response foreign = postMpEncrypted(mp, WechatTestCrypto.encrypt(mp.aesKey(), "wx" + hex(16), xml), now());
        assertThat(foreign.status()).as(foreign.body()).isEqualTo(403);
        assertThat(foreign.code()).isEqualTo("foreign-receive-id");
        assertThat(inboundRows(mp.id())).isZero();
        // The same text for this account is taken.
        assertThat(postMpSafe(mp, xml, now()).body()).isEqualTo("success");
    }

    @Test
    void aWecomCallbackEncryptedForAnotherCorpIdIsRefused() {
        Wecom app = newWecom();
        String xml = "<xml><ToUserName><![CDATA[" + app.corpId() + "]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
                + "<CreateTime>" + now() + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>"
                + msgId() + "</MsgId><AgentID>" + app.agentId() + "</AgentID></xml>";
        Wecom other = new Wecom(app.id(), app.tenantId(), "ww" + hex(16), app.agentId(), app.token(), app.aesKey());
        String encrypted = WechatTestCrypto.encrypt(app.aesKey(), other.corpId(), xml);
        String nonce = nonce();
        String ts = Long.toString(now());
        String body = "<xml><ToUserName><![CDATA[" + app.corpId() + "]]></ToUserName><Encrypt><![CDATA[" + encrypted + "]]></Encrypt></xml>";
        Response foreign = http("POST", "/callback/wecom/" + app.corpId() + "/" + app.agentId() + "?msg_signature="
                + WechatTestCrypto.sha1(app.token(), ts, nonce, encrypted) + "&timestamp=" + ts + "&nonce=" + nonce, "text/xml", body, null);
        assertThat(foreign.status()).as(foreign.body()).isEqualTo(403);
        assertThat(foreign.code()).isEqualTo("foreign-receive-id");
        // URL verification too: an echostr encrypted for another corp is not echoed.
        String echo = WechatTestCrypto.encrypt(app.aesKey(), other.corpId(), "12345");
        Response verify = http("GET", "/callback/wecom/" + app.corpId() + "/" + app.agentId() + "?msg_signature="
                + WechatTestCrypto.sha1(app.token(), ts, nonce, echo) + "&timestamp=" + ts + "&nonce=" + nonce + "&echostr="
                + java.net.URLEncoder.encode(echo, java.nio.charset.StandardCharsets.UTF_8), null, null, null);
        assertThat(verify.status()).isEqualTo(403);
        assertThat(inboundRows(app.id())).isZero();
    }

    @Test
    void aSignedCallbackWithAnOverLongFromUserNameIsRefusedNotTruncated() {
        Mp mp = newMp();
        Response plain = postMpPlain(mp, mpText("o".repeat(10_000), now(), "hi", msgId()), now());
        assertThat(plain.status()).as(plain.body()).isEqualTo(400);
        assertThat(plain.code()).isEqualTo("validation-failed");
        assertThat(plain.body()).contains("FromUserName");
        Response safe = postMpSafe(mp, mpText("o".repeat(129), now(), "hi", msgId()), now());
        assertThat(safe.status()).isEqualTo(400);
        String longEvent = "<xml><ToUserName>gh</ToUserName><FromUserName>o" + hex(27) + "</FromUserName><CreateTime>" + now()
                + "</CreateTime><MsgType>event</MsgType><Event>" + "E".repeat(65) + "</Event></xml>";
        assertThat(postMpPlain(mp, longEvent, now()).status()).isEqualTo(400);
        assertThat(inboundRows(mp.id())).isZero();
    }

    @Test
    void aNulCharacterInCallbackXmlIsRefused() {
        Mp mp = newMp();
        char nul = 0;
        assertThat(postMpPlain(mp, mpText("o" + hex(27), now(), "a" + nul + "b", msgId()), now()).status()).isEqualTo(400);
        // As a character reference (outside CDATA, where "&#0;" would be four plain characters): not legal XML.
        String reference = mpText("o" + hex(27), now(), "x", msgId()).replace("<![CDATA[x]]>", "a&#0;b");
        assertThat(postMpPlain(mp, reference, now()).status()).isEqualTo(400);
        assertThat(postMpPlain(mp, mpText("o" + nul + hex(27), now(), "hi", msgId()), now()).status()).isEqualTo(400);
        assertThat(postMpSafe(mp, mpText("o" + hex(27), now(), "a" + nul, msgId()), now()).status()).isEqualTo(400);
        Response nulInQuery = http("POST", "/callback/mp/" + mp.appId() + "?signature=x%00&timestamp=" + now() + "&nonce=n", "text/xml",
                mpText("o" + hex(27), now(), "hi", msgId()), null);
        assertThat(nulInQuery.status()).isBetween(400, 499);
        assertThat(inboundRows(mp.id())).isZero();
    }

    /** WeChat's few server addresses: a burst of 1,000 signed callbacks from one client, all taken, each stored once. */
    @Test
    void aBurstOfSignedCallbacksFromOneAddressIsAllAnsweredSuccessAndStoredOnce() throws Exception {
        Mp mp = newMp();
        String follower = "o" + hex(27);
        long base = now() - 10_000;
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.add("<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[" + follower + "]]></FromUserName>"
                    + "<CreateTime>" + (base + i) + "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event>"
                    + "<EventKey><![CDATA[menu_" + i + "]]></EventKey></xml>");
        }
        // WeChat retries what it did not see answered: the first 100 come again.
        events.addAll(events.subList(0, 100));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (String xml : events) {
                answers.add(pool.submit(() -> postMpPlain(mp, xml, now())));
            }
            for (Future<Response> answer : answers) {
                Response response = answer.get(120, TimeUnit.SECONDS);
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("success");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(inboundRows(mp.id())).isEqualTo(1000);
        assertThat(jdbc.queryForObject("select count(distinct dedupe_key) from channel_inbound where account_id = ?", Long.class, mp.id()))
                .isEqualTo(1000);
    }

    @Test
    void callbacksAreLimitedPerAccountAfterTheSignatureCheck() throws Exception {
        Mp limited = newMp();
        Mp other = newMp();
        env.getPropertySources().addFirst(new MapPropertySource("callback-limit-test", Map.of("kefu.callbacks.platforms.mp", "1")));
        context.publishEvent(new EnvironmentChangeEvent(context, Set.of("kefu.callbacks.platforms.mp")));
        try {
            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Future<Response>> answers = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    answers.add(pool.submit(() -> postMpPlain(limited, mpText("o" + hex(27), now(), "hi", msgId()), now())));
                }
                int refused = 0;
                for (Future<Response> answer : answers) {
                    Response response = answer.get(60, TimeUnit.SECONDS);
                    if (response.status() == 429) {
                        assertThat(response.code()).isEqualTo("rate-limited");
                        refused++;
                    } else {
                        assertThat(response.body()).isEqualTo("success");
                    }
                }
                assertThat(refused).isPositive();
            } finally {
                pool.shutdownNow();
            }
            // A badly signed callback is refused before it counts: it cannot spend the account's ceiling.
            long ts = now();
            Response forged = http("POST", "/callback/mp/" + other.appId() + "?signature=" + WechatTestCrypto.sha1("x", Long.toString(ts), "n")
                    + "&timestamp=" + ts + "&nonce=n", "text/xml", mpText("o" + hex(27), ts, "hi", msgId()), null);
            assertThat(forged.status()).isEqualTo(403);
        } finally {
            env.getPropertySources().remove("callback-limit-test");
            context.publishEvent(new EnvironmentChangeEvent(context, Set.of("kefu.callbacks.platforms.mp")));
        }
    }
}
