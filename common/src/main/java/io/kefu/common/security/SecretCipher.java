package io.kefu.common.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * AES-256-GCM for secrets at rest (app secrets, private signing keys). The key is the SHA-256 of the
 * service's secret-key setting, so any long random string works. Output: base64("v1" marker byte,
 * 12-byte nonce, ciphertext+tag); a wrong key or tampered value fails loudly. Each service makes its
 * own bean from its own setting, so one service's key never opens another's secrets.
 */
public class SecretCipher {

    public static final String LOCAL_DEFAULT_KEY = "kefu-local-secret-key-change-me";
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param secretKey   the setting's value
     * @param settingName how operators set it (for example {@code KEFU_AUTH_SECRET_KEY}), for messages
     */
    public SecretCipher(String secretKey, String settingName, Environment environment) {
        if (secretKey == null || secretKey.isBlank()) {
            throw new IllegalStateException(settingName + " must be set");
        }
        if (environment.acceptsProfiles(Profiles.of("prod")) && LOCAL_DEFAULT_KEY.equals(secretKey)) {
            throw new IllegalStateException("Refusing to start with profile 'prod' and the local default " + settingName
                    + ": set it to a long random value");
        }
        try {
            this.key = new SecretKeySpec(MessageDigest.getInstance("SHA-256").digest(secretKey.getBytes(StandardCharsets.UTF_8)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String encrypt(String plain) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(new byte[] {VERSION});
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[1 + NONCE_BYTES + sealed.length];
            out[0] = VERSION;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, 1 + NONCE_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String decrypt(String encoded) {
        try {
            byte[] in = Base64.getDecoder().decode(encoded);
            if (in.length < 1 + NONCE_BYTES + 16 || in[0] != VERSION) {
                throw new IllegalStateException("not a value sealed by this service");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 1, NONCE_BYTES));
            cipher.updateAAD(new byte[] {VERSION});
            byte[] plain = cipher.doFinal(in, 1 + NONCE_BYTES, in.length - 1 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot decrypt a stored secret: was the service's secret key changed?", e);
        }
    }
}
