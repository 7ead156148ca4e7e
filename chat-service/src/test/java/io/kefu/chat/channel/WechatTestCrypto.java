package io.kefu.chat.channel;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The test's own WeChat "safe mode" encryptor, written from the published scheme (ARCHITECTURE.md,
 * "Facts from outside") with javax.crypto only, so callbacks are built by a different implementation
 * than WxJava's decryptor under test: AESKey = Base64(EncodingAESKey + "="), AES-256-CBC without
 * padding, IV = first 16 key bytes, plaintext = 16 random bytes + 4-byte big-endian length + message
 * + receiveId, PKCS#7-padded to 32-byte blocks; signatures are SHA-1 over the sorted parts.
 */
final class WechatTestCrypto {

    private static final SecureRandom RANDOM = new SecureRandom();

    private WechatTestCrypto() {
    }

    static String encrypt(String encodingAesKey, String receiveId, String message) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return encrypt(encodingAesKey, receiveId, message, random);
    }

    static String encrypt(String encodingAesKey, String receiveId, String message, byte[] random16) {
        try {
            byte[] key = Base64.getDecoder().decode(encodingAesKey + "=");
            byte[] text = message.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            plain.write(random16);
            plain.write(ByteBuffer.allocate(4).putInt(text.length).array());
            plain.write(text);
            plain.write(receiveId.getBytes(StandardCharsets.UTF_8));
            int pad = 32 - plain.size() % 32; // 1..32, never 0
            for (int i = 0; i < pad; i++) {
                plain.write(pad);
            }
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(Arrays.copyOf(key, 16)));
            return Base64.getEncoder().encodeToString(cipher.doFinal(plain.toByteArray()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha1(String... parts) {
        String[] sorted = parts.clone();
        Arrays.sort(sorted);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(String.join("", sorted).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh EncodingAESKey: 32 random bytes in base64 without the trailing '='. */
    static String newAesKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key).substring(0, 43);
    }
}
