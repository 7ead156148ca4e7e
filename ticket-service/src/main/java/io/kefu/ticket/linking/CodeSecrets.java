package io.kefu.ticket.linking;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.kefu.common.security.SecretCipher;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Keeps live linking codes unreadable to anyone who reads the database but not the service's secret key
 * ({@code KEFU_TICKET_SECRET_KEY}, refused at its local default with profile {@code prod}):
 * <ul>
 *   <li>{@link #hash}: what {@code phone_code} stores — an HMAC-SHA256 keyed with the secret. A plain
 *       SHA-256 of a six-digit code (even salted with the code's id, which sits next to it) falls to a
 *       million guesses in well under a second; without the key there is nothing to guess against.</li>
 *   <li>{@link #seal}/{@link #open}: the code in the SMS remote call's payload ({@code kefu_remote_call}),
 *       AES-256-GCM as chat seals channel secrets; opened only in memory, just before push-service is called.</li>
 * </ul>
 * The two keys are derived apart (domain-separated), so neither use weakens the other.
 */
@Component
class CodeSecrets {

    private final SecretCipher cipher;
    private final SecretKeySpec macKey;

    CodeSecrets(@Value("${kefu.ticket.secret-key}") String secretKey, Environment environment) {
        this.cipher = new SecretCipher("ticket-link-code-seal:" + secretKey, "KEFU_TICKET_SECRET_KEY", environment);
        if (environment.acceptsProfiles(org.springframework.core.env.Profiles.of("prod")) && SecretCipher.LOCAL_DEFAULT_KEY.equals(secretKey)) {
            throw new IllegalStateException("Refusing to start with profile 'prod' and the local default KEFU_TICKET_SECRET_KEY: "
                    + "set it to a long random value");
        }
        try {
            this.macKey = new SecretKeySpec(MessageDigest.getInstance("SHA-256")
                    .digest(("ticket-link-code-hash:" + secretKey).getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HMAC-SHA256(key, id:code) in hex (64 characters, as {@code phone_code.code_hash}). */
    String hash(UUID codeId, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKey);
            return HexFormat.of().formatHex(mac.doFinal((codeId + ":" + code).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String seal(String code) {
        return cipher.encrypt(code);
    }

    String open(String sealed) {
        return cipher.decrypt(sealed);
    }
}
