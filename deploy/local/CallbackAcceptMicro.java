import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/**
 * CPU per callback of the Official Account accept path's XML and secrets work, as it was (a new parser factory
 * per document, WxJava's XStream, three AES-GCM openings) and as it is (reused parsers, the fields read from
 * the one parse), on one thread, no suite (deploy/README.md, "Official Account callbacks"). Run against a
 * packaged chat jar, with C1 as the benchmarks start the services:
 *
 * <pre>
 * mkdir -p /tmp/cb && unzip -q -o chat-service/target/chat-service-*.jar 'BOOT-INF/*' -d /tmp/cb
 * java -XX:TieredStopAtLevel=1 -cp "/tmp/cb/BOOT-INF/classes:$(ls /tmp/cb/BOOT-INF/lib/*.jar | tr '\n' ':')" \
 *     deploy/local/CallbackAcceptMicro.java 5000
 * </pre>
 */
public class CallbackAcceptMicro {
    static final com.sun.management.ThreadMXBean T = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    interface Op { void run() throws Exception; }

    static double cpuMicros(String name, int n, Op op) throws Exception {
        for (int i = 0; i < n; i++) op.run(); // warm
        long c0 = T.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) op.run();
        double us = (T.getCurrentThreadCpuTime() - c0) / 1000.0 / n;
        System.out.printf("%-60s %8.1f µs CPU%n", name, us);
        return us;
    }

    static Element oldParse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setNamespaceAware(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
        return builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args.length > 0 ? args[0] : "5000");
        String plain = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[o-bench-17]]></FromUserName><CreateTime>1764500000"
                + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[第17条：我的订单什么时候发货？]]></Content><MsgId>1764500000123456</MsgId></xml>";
        String outer = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[" + Base64.getEncoder().encodeToString(new byte[400])
                + "]]></Encrypt></xml>";
        Class<?> guard = Class.forName("io.kefu.chat.channel.CallbackGuard");
        Method parse = guard.getDeclaredMethod("parse", String.class);
        parse.setAccessible(true);
        Class<?> mp = Class.forName("io.kefu.chat.channel.MpCallbackController");
        Method received = mp.getDeclaredMethod("received", Element.class, String.class);
        received.setAccessible(true);
        var env = new org.springframework.core.env.StandardEnvironment();
        var cipher = new io.kefu.common.security.SecretCipher("kefu-local-secret-key-change-me", "X", env);
        String sealed = cipher.encrypt("abcdefghijklmnopqrstuvwxyz012345");

        System.out.println("per callback, " + n + " iterations after as many to warm up:");
        double oldParse = cpuMicros("old: new factory + parser + parse (outer body)", n, () -> oldParse(outer));
        double oldParse2 = cpuMicros("old: new factory + parser + parse (plain)", n, () -> oldParse(plain));
        double xstream = cpuMicros("old: WxMpXmlMessage.fromXml (XStream)", n,
                () -> me.chanjar.weixin.mp.bean.message.WxMpXmlMessage.fromXml(plain));
        double gcm = cpuMicros("old: 3 × SecretCipher.decrypt (AES-GCM, per lookup)", n, () -> {
            cipher.decrypt(sealed); cipher.decrypt(sealed); cipher.decrypt(sealed);
        });
        double newParse = cpuMicros("new: reused parser, parse (outer body)", n, () -> parse.invoke(null, outer));
        double newParse2 = cpuMicros("new: reused parser, parse (plain) + fields", n,
                () -> received.invoke(null, parse.invoke(null, plain), plain));
        System.out.printf("old XML+secrets %.1f µs, new %.1f µs (without the two account queries the cache also saves)%n",
                oldParse + oldParse2 + xstream + gcm, newParse + newParse2);
    }
}
