package io.kefu.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import io.kefu.auth.config.AuthProperties;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.security.KefuJwtValidators;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.common.security.SecurityProperties;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Service;
import io.kefu.common.error.ProblemType;

/**
 * Issues access tokens (RS256, the contract's claims) and opaque refresh tokens, rotates refresh
 * tokens on every use, detects reuse, and revokes on logout. Refresh tokens are 256 random bits;
 * only their SHA-256 is stored. A family is the chain of one sign-in: presenting a token that was
 * already used means it leaked, so the whole family is revoked.
 */
@Service
public class TokenService {

    public static final ProblemType REFRESH_INVALID = new ProblemType("refresh-token-invalid", HttpStatus.UNAUTHORIZED, "Refresh token invalid");
    public static final ProblemType REFRESH_EXPIRED = new ProblemType("refresh-token-expired", HttpStatus.UNAUTHORIZED, "Refresh token expired");
    public static final ProblemType REFRESH_REUSED = new ProblemType("refresh-token-reused", HttpStatus.UNAUTHORIZED, "Refresh token reused");
    public static final ProblemType ACCOUNT_DISABLED = new ProblemType("account-disabled", HttpStatus.FORBIDDEN, "Account disabled");

    private final SigningKeys keys;
    private final JdbcTemplate jdbc;
    private final RedissonClient redisson;
    private final LiveProperties<AuthProperties> properties;
    private final LiveProperties<SecurityProperties> security;
    private final SubjectLoader subjects;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private volatile Map.Entry<String, NimbusJwtEncoder> encoder;

    TokenService(SigningKeys keys, JdbcTemplate jdbc, RedissonClient redisson, LiveProperties<AuthProperties> properties,
            LiveProperties<SecurityProperties> security, SubjectLoader subjects, Clock clock) {
        this.keys = keys;
        this.jdbc = jdbc;
        this.redisson = redisson;
        this.properties = properties;
        this.security = security;
        this.subjects = subjects;
        this.clock = clock;
    }

    /** A new sign-in: an access token and the first refresh token of a new family. */
    public IssuedTokens issue(TokenSubject subject) {
        return issue(subject, UUID.randomUUID());
    }

    /** Exchanges a refresh token for a new pair; the presented one is used up. */
    public IssuedTokens refresh(String refreshToken) {
        Instant now = clock.instant();
        String hash = hash(refreshToken);
        List<RefreshRow> rows = jdbc.query("""
                select id, family_id, subject_id, subject_kind, expires_at, used_at, revoked_at from refresh_token where token_hash = ?""",
                (rs, i) -> new RefreshRow(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                        rs.getString(4), rs.getTimestamp(5).toInstant(), rs.getTimestamp(6) != null, rs.getTimestamp(7) != null), hash);
        if (rows.isEmpty()) {
            throw new KefuProblemException(REFRESH_INVALID, "Unknown refresh token; sign in again");
        }
        RefreshRow row = rows.getFirst();
        if (row.used() || row.revoked()) {
            revokeFamily(row.familyId());
            throw new KefuProblemException(REFRESH_REUSED, "This refresh token was already used; every session of this sign-in is revoked");
        }
        if (row.expiresAt().isBefore(now)) {
            throw new KefuProblemException(REFRESH_EXPIRED, "The refresh token expired; sign in again");
        }
        // the conditional update is the race guard: of two concurrent uses only one marks it
        int marked = jdbc.update("update refresh_token set used_at = ? where id = ? and used_at is null and revoked_at is null",
                Timestamp.from(now), row.id());
        if (marked == 0) {
            revokeFamily(row.familyId());
            throw new KefuProblemException(REFRESH_REUSED, "This refresh token was already used; every session of this sign-in is revoked");
        }
        TokenSubject subject = subjects.load(row.subjectId(), row.subjectKind()).orElse(null);
        if (subject == null) {
            revokeFamily(row.familyId());
            throw new KefuProblemException(ACCOUNT_DISABLED, "This account can no longer sign in");
        }
        return issue(subject, row.familyId());
    }

    /**
     * Logout: revokes the refresh token's family (when it belongs to the caller) and denylists the
     * caller's access token until it would have expired, under the key the gateway checks.
     */
    public void logout(@Nullable String refreshToken, Jwt accessToken) {
        if (refreshToken != null && !refreshToken.isBlank()) {
            UUID subject = UUID.fromString(accessToken.getSubject());
            jdbc.update("""
                    update refresh_token set revoked_at = ? where revoked_at is null and family_id in
                      (select family_id from refresh_token where token_hash = ? and subject_id = ?)""",
                    Timestamp.from(clock.instant()), hash(refreshToken), subject);
        }
        denylist(accessToken);
    }

    /** Ends every session of a subject (deactivated staff): no refresh works any more. */
    public void revokeAllFor(UUID subjectId) {
        jdbc.update("update refresh_token set revoked_at = ? where subject_id = ? and revoked_at is null",
                Timestamp.from(clock.instant()), subjectId);
    }

    void denylist(Jwt accessToken) {
        Instant exp = accessToken.getExpiresAt();
        Duration left = exp == null ? properties.get().accessTokenTtl() : Duration.between(clock.instant(), exp);
        if (accessToken.getId() != null && !left.isNegative() && !left.isZero()) {
            redisson.getBucket(KefuJwtValidators.REVOKED_JTI_PREFIX + accessToken.getId(), StringCodec.INSTANCE).set("1", left);
        }
    }

    private IssuedTokens issue(TokenSubject subject, UUID familyId) {
        Instant now = clock.instant();
        AuthProperties props = properties.get();
        SecurityProperties sec = security.get();
        Instant exp = now.plus(props.accessTokenTtl());
        String jti = UUID.randomUUID().toString();
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(sec.issuer())
                .audience(List.of(sec.audience()))
                .subject(subject.subjectId().toString())
                .id(jti)
                .issuedAt(now)
                .expiresAt(exp)
                .claim(KefuPrincipal.CLAIM_TYPE, subject.type())
                .claim(KefuPrincipal.CLAIM_ROLES, subject.roles());
        if (subject.tenantId() != null) {
            claims.claim(KefuPrincipal.CLAIM_TENANT, subject.tenantId().toString());
        }
        RSAKey key = keys.signer();
        String access = encoder(key).encode(JwtEncoderParameters.from(
                JwsHeader.with(SignatureAlgorithm.RS256).keyId(key.getKeyID()).type("JWT").build(), claims.build())).getTokenValue();

        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String refresh = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        jdbc.update("""
                insert into refresh_token (id, token_hash, family_id, subject_id, subject_kind, issued_at, expires_at)
                values (?, ?, ?, ?, ?, ?, ?)""",
                UUID.randomUUID(), hash(refresh), familyId, subject.subjectId(), subject.kind(), Timestamp.from(now),
                Timestamp.from(now.plus(props.refreshTokenTtl())));
        return new IssuedTokens(access, refresh, props.accessTokenTtl().toSeconds(), jti, exp, subject);
    }

    private NimbusJwtEncoder encoder(RSAKey key) {
        Map.Entry<String, NimbusJwtEncoder> current = encoder;
        if (current == null || !current.getKey().equals(key.getKeyID())) {
            // the JWK source holds just the signing key, so the encoder can never pick another one
            current = Map.entry(key.getKeyID(), new NimbusJwtEncoder(new ImmutableJWKSet<SecurityContext>(new JWKSet(key))));
            encoder = current;
        }
        return current.getValue();
    }

    private void revokeFamily(UUID familyId) {
        jdbc.update("update refresh_token set revoked_at = ? where family_id = ? and revoked_at is null",
                Timestamp.from(clock.instant()), familyId);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record RefreshRow(UUID id, UUID familyId, UUID subjectId, String subjectKind, Instant expiresAt, boolean used, boolean revoked) {
    }
}
