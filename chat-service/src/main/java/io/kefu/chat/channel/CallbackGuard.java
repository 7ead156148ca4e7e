package io.kefu.chat.channel;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import me.chanjar.weixin.common.util.crypto.SHA1;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The checks every WeChat callback passes before anything is stored: body size, signature, the
 * timestamp window (replays) and well-formed XML. The XML check refuses any DOCTYPE, so no entity
 * (external or not) ever reaches WxJava's own parsers.
 */
@Component
class CallbackGuard {

    static final ProblemType BAD_SIGNATURE = new ProblemType("bad-signature", HttpStatus.FORBIDDEN, "Signature does not match");
    static final ProblemType FOREIGN_RECEIVER = new ProblemType("foreign-receive-id", HttpStatus.FORBIDDEN,
            "Encrypted for another account");
    static final ProblemType STALE = new ProblemType("stale-callback", HttpStatus.FORBIDDEN, "Timestamp outside the accepted window");

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CallbackGuard.class);

    private final LiveProperties<ChannelProperties> properties;
    private final Clock clock;

    CallbackGuard(LiveProperties<ChannelProperties> properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** The body as UTF-8, refused (413) beyond the configured size without reading further. */
    String body(HttpServletRequest request) {
        long max = properties.get().maxBody().toBytes();
        if (request.getContentLengthLong() > max) {
            throw tooLarge(max);
        }
        byte[] bytes;
        try {
            bytes = request.getInputStream().readNBytes((int) max + 1);
        } catch (IOException e) {
            throw new KefuProblemException(ProblemType.MALFORMED, "The body could not be read");
        }
        if (bytes.length > max) {
            throw tooLarge(max);
        }
        if (bytes.length == 0) {
            throw new KefuProblemException(ProblemType.MALFORMED, "The body is empty");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static KefuProblemException tooLarge(long max) {
        return new KefuProblemException(ProblemType.TOO_LARGE, "A callback body is at most " + max + " bytes");
    }

    /** Present, else 401: WeChat always signs. */
    static String required(@Nullable String value, String name) {
        if (value == null || value.isBlank()) {
            throw new KefuProblemException(ProblemType.UNAUTHORIZED, "Parameter '" + name + "' is missing: callbacks must be signed");
        }
        return value;
    }

    /** SHA-1 over the sorted parts (token, timestamp, nonce[, encrypted text]) must equal {@code signature}. */
    static void verify(String signature, String... parts) {
        String expected;
        try {
            expected = SHA1.gen(parts);
        } catch (IllegalArgumentException e) {
            throw new KefuProblemException(ProblemType.UNAUTHORIZED, "The signature's parts are missing");
        }
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.toLowerCase(java.util.Locale.ROOT)
                .getBytes(StandardCharsets.US_ASCII))) {
            throw new KefuProblemException(BAD_SIGNATURE, "The callback's signature does not match");
        }
    }

    /** WeChat's timestamp (seconds) must lie within the window around now: an old signed request is a replay. */
    void checkFresh(String timestamp) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new KefuProblemException(ProblemType.MALFORMED, "timestamp must be a number of seconds");
        }
        Duration window = properties.get().timestampWindow();
        Duration age = Duration.between(Instant.ofEpochSecond(seconds), clock.instant()).abs();
        if (age.compareTo(window) > 0) {
            throw new KefuProblemException(STALE, "The callback's timestamp is " + age.toSeconds() + " s away from now (at most "
                    + window.toSeconds() + " s)");
        }
    }

    /** Parses {@code <xml>...</xml>} strictly: no DOCTYPE, no entities, no external anything; else 400. */
    static Element parse(String xml) {
        if (io.kefu.common.input.NulText.contains(xml)) {
            // Not a legal XML character, raw or as a reference; and PostgreSQL text cannot store it.
            throw new KefuProblemException(ProblemType.MALFORMED, "The body holds a NUL character (U+0000)");
        }
        DocumentBuilder builder = BUILDERS.poll();
        if (builder == null) {
            builder = builder();
        }
        try {
            builder.setErrorHandler(THROWING);
            Element root = builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
            if (!"xml".equals(root.getNodeName())) {
                throw new KefuProblemException(ProblemType.MALFORMED, "The body is not a WeChat <xml> message");
            }
            return root;
        } catch (SAXException | IOException e) {
            throw new KefuProblemException(ProblemType.MALFORMED, "The body is not well-formed XML (or declares a DOCTYPE)");
        } finally {
            builder.reset(); // back to the factory's settings (the error handler is set again before each parse)
            BUILDERS.offer(builder);
        }
    }

    /**
     * The text of the first {@code <name>} child as a decimal number (MsgId, CreateTime), null when absent;
     * 400 when it is not one — as WxJava refused such a message before.
     */
    static @Nullable Long number(Element root, String name) {
        String text = child(root, name);
        if (text == null) {
            return null;
        }
        try {
            return Long.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw new KefuProblemException(ProblemType.MALFORMED, "<" + name + "> is not a number");
        }
    }

    /**
     * The plain XML inside a safe-mode body ({@code <Encrypt>}): {@code msg_signature} is checked over
     * token, timestamp, nonce and the encrypted text (403), then WxJava decrypts it (400 if it cannot).
     */
    static String decrypt(Element root, String msgSignature, String timestamp, String nonce, String token, @Nullable String aesKey,
            String receiveId) {
        String encrypted = child(root, "Encrypt");
        if (encrypted == null || encrypted.isBlank()) {
            throw new KefuProblemException(ProblemType.MALFORMED, "A safe-mode callback carries <Encrypt>");
        }
        verify(msgSignature, token, timestamp, nonce, encrypted);
        return decrypt(encrypted, token, aesKey, receiveId);
    }

    /**
     * Decrypts WeChat's safe-mode text (AES-256-CBC, IV = the key's first 16 bytes, PKCS#7 to 32-byte
     * blocks; plain = 16 random bytes, 4-byte length, message, receiveId) and checks that the receiveId
     * is this account's appId (OA) or corpId (WeCom), as WeChat's own samples do (-40005): a callback
     * encrypted for another account sharing the key is refused (403 {@code foreign-receive-id}). Every
     * length is checked before anything is allocated, so a crafted text cannot ask for a huge buffer.
     */
    static String decrypt(String encrypted, String token, @Nullable String aesKey, String receiveId) {
        if (aesKey == null) {
            throw new KefuProblemException(ProblemType.MALFORMED, "This account has no EncodingAESKey: register it to use safe mode");
        }
        Decrypted plain;
        try {
            plain = open(encrypted, aesKey);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new KefuProblemException(ProblemType.MALFORMED, "The encrypted text cannot be decrypted");
        }
        if (!MessageDigest.isEqual(plain.receiveId().getBytes(StandardCharsets.UTF_8), receiveId.getBytes(StandardCharsets.UTF_8))) {
            log.warn("Refused a callback for {} encrypted for another receiver ({} characters)", receiveId, plain.receiveId().length());
            throw new KefuProblemException(FOREIGN_RECEIVER, "The callback was encrypted for another account (WeChat -40005)");
        }
        return plain.message();
    }

    record Decrypted(String message, String receiveId) {
    }

    static Decrypted open(String encrypted, String aesKey) throws java.security.GeneralSecurityException {
        byte[] cipherText = java.util.Base64.getMimeDecoder().decode(encrypted);
        if (cipherText.length < 32 || cipherText.length % 16 != 0) {
            throw new IllegalArgumentException("implausible length");
        }
        byte[] key = java.util.Base64.getDecoder().decode(aesKey + "=");
        if (key.length != 32) {
            throw new IllegalArgumentException("the key is not 32 bytes");
        }
        javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/CBC/NoPadding");
        aes.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                new javax.crypto.spec.IvParameterSpec(java.util.Arrays.copyOf(key, 16)));
        byte[] plain = aes.doFinal(cipherText);
        int pad = plain[plain.length - 1] & 0xff;
        if (pad < 1 || pad > 32 || pad > plain.length - 20) {
            throw new IllegalArgumentException("bad padding");
        }
        int end = plain.length - pad;
        int length = java.nio.ByteBuffer.wrap(plain, 16, 4).getInt();
        if (length < 0 || length > end - 20) {
            throw new IllegalArgumentException("bad length");
        }
        return new Decrypted(new String(plain, 20, length, StandardCharsets.UTF_8),
                new String(plain, 20 + length, end - 20 - length, StandardCharsets.UTF_8));
    }

    /** The text of a direct child element, or null. */
    static @Nullable String child(Element root, String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE && name.equals(n.getNodeName())) {
                return n.getTextContent();
            }
        }
        return null;
    }

    /** Refuses what the parser reports, and prints nothing to stderr. */
    private static final org.xml.sax.ErrorHandler THROWING = new org.xml.sax.helpers.DefaultHandler() {
        @Override
        public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void error(org.xml.sax.SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private static final DocumentBuilderFactory FACTORY = factory();
    /**
     * Parsers reused across callbacks (one is not thread-safe, so each is taken out while it parses): a new
     * factory and parser per document cost more than the parse of a WeChat message itself.
     */
    private static final java.util.concurrent.BlockingQueue<DocumentBuilder> BUILDERS = new java.util.concurrent.ArrayBlockingQueue<>(64);

    /** A hardened factory; package-private so CallbackAcceptBenchmark can measure the old way, a new one per document. */
    static DocumentBuilderFactory factory() {
        try {
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
            return factory;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DocumentBuilder builder() {
        try {
            synchronized (FACTORY) { // a factory is not thread-safe either
                return FACTORY.newDocumentBuilder();
            }
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
