package io.kefu.chat.channel;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import io.kefu.common.security.SecretCipher;
import me.chanjar.weixin.common.util.crypto.SHA1;
import me.chanjar.weixin.common.util.crypto.WxCryptUtil;
import me.chanjar.weixin.mp.bean.message.WxMpXmlMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.springframework.core.env.StandardEnvironment;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/**
 * CPU per Official Account callback of the accept path's XML and crypto work, on one thread, without HTTP and
 * the row's insert (deploy/README.md, "Official Account callbacks"). {@code accept*} and {@code processing*}
 * call chat's own code as {@link MpCallbackController#receive} and {@link InboundProcessor} run it; {@code old*}
 * are the ways it was done before, kept as the reference: a new {@link DocumentBuilderFactory} and parser per
 * document, WxJava's {@link WxMpXmlMessage#fromXml} (XStream), and the three AES-GCM openings of the account's
 * sealed secrets per callback (now cached). Run with {@code make bench-callback-accept} (chat-service README).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CallbackAcceptBenchmark {

    private static final String APP_ID = "wx0123456789abcdef";
    private static final String TOKEN = "benchToken2026";
    /** A fixed EncodingAESKey (43 characters), so every run decrypts the same bytes. */
    private static final String AES_KEY = Base64.getEncoder().encodeToString("kefu-bench-encoding-aes-key-32by".getBytes(
            StandardCharsets.US_ASCII)).substring(0, 43);
    private static final String TIMESTAMP = "1764500000";
    private static final String NONCE = "1320562132";

    /** A customer's text message as WeChat sends it, decrypted. */
    static final String PLAIN = "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[oUser_28characters_abcdefghi]]>"
            + "</FromUserName><CreateTime>1764500000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[第17条：我的订单什么时候发货？]]>"
            + "</Content><MsgId>24012345678901234</MsgId></xml>";

    private String body;
    private String msgSignature;
    private Element outerRoot;
    private SecretCipher cipher;
    private String sealedSecret;
    private String sealedToken;
    private String sealedAesKey;

    @Setup
    public void encrypt() {
        // WxJava's encryptor builds the safe-mode text, so chat's own decryption is measured against another implementation.
        String encrypted = new WxCryptUtil(TOKEN, AES_KEY, APP_ID).encrypt("abcdefghijklmnop", PLAIN);
        body = "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><Encrypt><![CDATA[" + encrypted + "]]></Encrypt></xml>";
        msgSignature = SHA1.gen(TOKEN, TIMESTAMP, NONCE, encrypted);
        outerRoot = CallbackGuard.parse(body);
        if (!PLAIN.equals(CallbackGuard.decrypt(outerRoot, msgSignature, TIMESTAMP, NONCE, TOKEN, AES_KEY, APP_ID))) {
            throw new IllegalStateException("the fixture does not decrypt to its message");
        }
        cipher = new SecretCipher(SecretCipher.LOCAL_DEFAULT_KEY, "KEFU_CHAT_SECRET_KEY", new StandardEnvironment());
        sealedSecret = cipher.encrypt("0123456789abcdef0123456789abcdef");
        sealedToken = cipher.encrypt(TOKEN);
        sealedAesKey = cipher.encrypt(AES_KEY);
    }

    /** All of the accept path's XML and crypto for an encrypted callback: parse, msg_signature, AES-CBC, parse, the row's fields. */
    @Benchmark
    public InboundRows.Received acceptEncryptedCallback() {
        Element root = CallbackGuard.parse(body);
        String plain = CallbackGuard.decrypt(root, msgSignature, TIMESTAMP, NONCE, TOKEN, AES_KEY, APP_ID);
        return MpCallbackController.received(CallbackGuard.parse(plain), plain);
    }

    /** Its parts: the outer body's parse with a reused parser. */
    @Benchmark
    public Element acceptParseOuter() {
        return CallbackGuard.parse(body);
    }

    /** The msg_signature check and WeChat's AES-256-CBC opening of {@code <Encrypt>}. */
    @Benchmark
    public String acceptVerifyAndDecrypt() {
        return CallbackGuard.decrypt(outerRoot, msgSignature, TIMESTAMP, NONCE, TOKEN, AES_KEY, APP_ID);
    }

    /** The plain message's parse with a reused parser, and the fields its row is stored by. */
    @Benchmark
    public InboundRows.Received acceptParsePlainAndFields() {
        return MpCallbackController.received(CallbackGuard.parse(PLAIN), PLAIN);
    }

    /** After the answer: the stored text message read again as {@link InboundProcessor} reads it (Content, UnionId). */
    @Benchmark
    public void processingReadsStoredMessage(Blackhole blackhole) {
        Element message = CallbackGuard.parse(PLAIN);
        blackhole.consume(CallbackGuard.child(message, "Content"));
        blackhole.consume(CallbackGuard.child(message, "UnionId"));
    }

    /** Before: a new factory and parser per document (the outer body), with the same refusals configured. */
    @Benchmark
    public Element oldNewFactoryParseOuter() throws Exception {
        return newParser().parse(new InputSource(new StringReader(body))).getDocumentElement();
    }

    /** Before: a new factory and parser per document (the plain message). */
    @Benchmark
    public Element oldNewFactoryParsePlain() throws Exception {
        return newParser().parse(new InputSource(new StringReader(PLAIN))).getDocumentElement();
    }

    /** Before, in the accept path and then in the processing: WxJava's reading of the whole message. */
    @Benchmark
    public WxMpXmlMessage oldWxJavaFromXml() {
        return WxMpXmlMessage.fromXml(PLAIN);
    }

    /** Before the account cache: the account's three sealed secrets opened for every callback. */
    @Benchmark
    public void oldOpenSealedSecrets(Blackhole blackhole) {
        blackhole.consume(cipher.decrypt(sealedSecret));
        blackhole.consume(cipher.decrypt(sealedToken));
        blackhole.consume(cipher.decrypt(sealedAesKey));
    }

    /** The factory of CallbackGuard, hardened the same way, but made anew for each document as before. */
    private static DocumentBuilder newParser() throws Exception {
        DocumentBuilder builder = CallbackGuard.factory().newDocumentBuilder();
        builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
        return builder;
    }
}
