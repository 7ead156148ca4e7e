package io.kefu.auth.token;

import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.kefu.auth.config.AuthProperties;
import io.kefu.common.security.SecretCipher;
import io.kefu.common.config.LiveProperties;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The RS256 signing keys. One key signs (the newest active one); every key whose last possible
 * token has not expired yet is still published for verification. A rotation retires the previous
 * key at "now + access-token lifetime + margin". Rotations take a Redisson lock so instances never
 * interleave; each instance re-reads the signing key at most every {@link #CACHE} and at once after
 * its own rotation (tokens another instance signs with the older key stay valid, so the lag is harmless).
 */
@Component
public class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    static final Duration CACHE = Duration.ofSeconds(10);
    /** Covers instances still signing with a cached older key and clock skew. */
    static final Duration RETIRE_MARGIN = Duration.ofMinutes(2);
    private static final String LOCK = "kefu:auth:signing-key-rotation";

    private final JdbcTemplate jdbc;
    private final SecretCipher cipher;
    private final RedissonClient redisson;
    private final LiveProperties<AuthProperties> properties;
    private final Clock clock;

    private volatile Snapshot snapshot;

    /** Keys as loaded at one moment: the signer and the verification set. */
    record Snapshot(RSAKey signer, Instant signerCreatedAt, JWKSet verification, Instant loadedAt) {
    }

    SigningKeys(JdbcTemplate jdbc, SecretCipher cipher, RedissonClient redisson, LiveProperties<AuthProperties> properties, Clock clock) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.redisson = redisson;
        this.properties = properties;
        this.clock = clock;
    }

    /** The key that signs new tokens (with its private half). */
    public RSAKey signer() {
        return current().signer();
    }

    /** Public keys still valid for verification, as served at /.well-known/jwks.json. */
    public JWKSet publicKeys() {
        return current().verification();
    }

    /** For the local decoder: a kid it does not know makes it reload once (another instance rotated). */
    List<JWK> select(JWKSelector selector) {
        List<JWK> found = selector.select(current().verification());
        if (found.isEmpty()) {
            found = selector.select(reload().verification());
        }
        return found;
    }

    /** Makes a new key the signer; previous keys stay published until their tokens expired. Returns the new kid. */
    public String rotate() {
        return locked(this::rotateLocked);
    }

    /** The job's entry: rotates only when the signing key is older than kefu.auth.key-rotation-interval. */
    public boolean rotateIfDue() {
        return locked(() -> {
            Snapshot now = reload();
            if (now.signerCreatedAt().plus(properties.get().keyRotationInterval()).isAfter(clock.instant())) {
                return false;
            }
            rotateLocked();
            return true;
        });
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        if (s == null || s.loadedAt().plus(CACHE).isBefore(clock.instant())) {
            s = reload();
        }
        return s;
    }

    private synchronized Snapshot reload() {
        Instant now = clock.instant();
        List<KeyRow> rows = rows(now);
        if (rows.stream().noneMatch(r -> r.retireAfter() == null)) {
            locked(() -> rows(clock.instant()).stream().anyMatch(r -> r.retireAfter() == null) ? null : rotateLocked());
            rows.clear();
            rows.addAll(rows(clock.instant()));
        }
        KeyRow signing = rows.stream().filter(r -> r.retireAfter() == null).findFirst().orElseThrow();
        RSAKey signer = parse(cipher.decrypt(signing.sealedPrivate()));
        JWKSet verification = new JWKSet(rows.stream().map(r -> (JWK) parse(r.publicJwk())).toList());
        Snapshot s = new Snapshot(signer, signing.createdAt(), verification, now);
        snapshot = s;
        return s;
    }

    private record KeyRow(String kid, String publicJwk, String sealedPrivate, Instant createdAt, Instant retireAfter) {
    }

    private List<KeyRow> rows(Instant now) {
        return new java.util.ArrayList<>(jdbc.query("""
                select kid, public_jwk, private_key, created_at, retire_after from signing_key
                where active_from <= ? and (retire_after is null or retire_after > ?)
                order by active_from desc""",
                (rs, i) -> new KeyRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                        rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant()),
                Timestamp.from(now.plusSeconds(1)), Timestamp.from(now)));
    }

    private String rotateLocked() {
        Instant now = clock.instant();
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).issueTime(java.util.Date.from(now)).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
        Instant retireAfter = now.plus(properties.get().accessTokenTtl()).plus(RETIRE_MARGIN);
        jdbc.update("update signing_key set retire_after = ? where retire_after is null", Timestamp.from(retireAfter));
        jdbc.update("insert into signing_key (kid, public_jwk, private_key, created_at, active_from) values (?, ?, ?, ?, ?)",
                key.getKeyID(), key.toPublicJWK().toJSONString(), cipher.encrypt(key.toJSONString()), Timestamp.from(now), Timestamp.from(now));
        // keys whose last token expired a day ago are of no further use
        jdbc.update("delete from signing_key where retire_after < ?", Timestamp.from(now.minus(Duration.ofDays(1))));
        snapshot = null;
        log.info("Signing key {} is now active", key.getKeyID());
        return key.getKeyID();
    }

    private <T> T locked(java.util.function.Supplier<T> work) {
        RLock lock = redisson.getLock(LOCK);
        boolean held = false;
        try {
            held = lock.tryLock(15, 60, TimeUnit.SECONDS);
            if (!held) {
                throw new IllegalStateException("signing-key lock not acquired within 15 s");
            }
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (held && lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
        }
    }

    private static RSAKey parse(String json) {
        try {
            return RSAKey.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("stored signing key is not an RSA JWK", e);
        }
    }
}
