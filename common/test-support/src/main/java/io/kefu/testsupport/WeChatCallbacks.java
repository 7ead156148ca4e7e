package io.kefu.testsupport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds WeChat (Official Account and WeCom) callbacks the way WeChat's servers do, written from the
 * published scheme rather than with WxJava, so that tests of code built on WxJava check it against an
 * independent implementation: AESKey = Base64(EncodingAESKey + "="), AES-256-CBC with IV = the key's
 * first 16 bytes, payload = 16 random bytes + 4-byte big-endian length + message + receiveId, PKCS#7
 * padding to 32-byte blocks; signatures are SHA-1 over the sorted concatenation of their parts.
 */
public final class WeChatCallbacks {

    private static final SecureRandom RANDOM = new SecureRandom();

    private WeChatCallbacks() {
    }

    /** A fresh 43-character EncodingAESKey. */
    public static String newEncodingAesKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().withoutPadding().encodeToString(key);
    }

    /** {@code signature} of URL verification and plain-mode callbacks: SHA-1 of sorted token, timestamp, nonce. */
    public static String signature(String token, String timestamp, String nonce) {
        return sha1Sorted(token, timestamp, nonce);
    }

    /** {@code msg_signature} of safe-mode callbacks: SHA-1 of sorted token, timestamp, nonce and the ciphertext. */
    public static String msgSignature(String token, String timestamp, String nonce, String encrypted) {
        return sha1Sorted(token, timestamp, nonce, encrypted);
    }

    /** Encrypts {@code message} for {@code receiveId} (the OA's appId or the WeCom corpId). */
    public static String encrypt(String encodingAesKey, String receiveId, String message) {
        byte[] key = Base64.getDecoder().decode(encodingAesKey + "=");
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] receiver = receiveId.getBytes(StandardCharsets.UTF_8);
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        int length = 16 + 4 + body.length + receiver.length;
        int pad = 32 - length % 32;
        ByteBuffer plain = ByteBuffer.allocate(length + pad);
        plain.put(random).putInt(body.length).put(body).put(receiver);
        for (int i = 0; i < pad; i++) {
            plain.put((byte) pad);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(Arrays.copyOfRange(key, 0, 16)));
            return Base64.getEncoder().encodeToString(cipher.doFinal(plain.array()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decrypts what a service encrypted (echostr answers, passive replies); checks the receiveId. */
    public static String decrypt(String encodingAesKey, String receiveId, String encrypted) {
        byte[] key = Base64.getDecoder().decode(encodingAesKey + "=");
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(Arrays.copyOfRange(key, 0, 16)));
            byte[] plain = cipher.doFinal(Base64.getDecoder().decode(encrypted));
            int pad = plain[plain.length - 1];
            ByteBuffer buffer = ByteBuffer.wrap(plain, 0, plain.length - pad);
            buffer.position(16);
            int length = buffer.getInt();
            byte[] body = new byte[length];
            buffer.get(body);
            byte[] receiver = new byte[buffer.remaining()];
            buffer.get(receiver);
            if (!receiveId.equals(new String(receiver, StandardCharsets.UTF_8))) {
                throw new IllegalStateException("encrypted for " + new String(receiver, StandardCharsets.UTF_8) + ", not " + receiveId);
            }
            return new String(body, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body WeChat posts in safe mode. */
    public static String encryptedBody(String toUserName, String encrypted) {
        return "<xml><ToUserName><![CDATA[" + toUserName + "]]></ToUserName><Encrypt><![CDATA[" + encrypted + "]]></Encrypt></xml>";
    }

    /** An Official Account text message as WeChat sends it. */
    public static String mpText(String toUserName, String fromOpenId, long createTime, String content, long msgId) {
        return "<xml><ToUserName><![CDATA[" + toUserName + "]]></ToUserName><FromUserName><![CDATA[" + fromOpenId
                + "]]></FromUserName><CreateTime>" + createTime + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA["
                + content + "]]></Content><MsgId>" + msgId + "</MsgId></xml>";
    }

    private static String sha1Sorted(String... parts) {
        String[] sorted = parts.clone();
        Arrays.sort(sorted);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(String.join("", sorted).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
