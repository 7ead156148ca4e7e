package io.kefu.ticket.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.ticket.provider.Caller;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's integration key: how the business's software (a machine, with no user to sign in) reports
 * usage signals. The tenant's admin creates it, and creating another replaces it (rotation: the old key
 * stops working at once) or deletes it. The key is 32 random bytes shown once; only its SHA-256 is kept
 * (a slow password hash buys nothing against a 256-bit secret, and the look-up by hash is one index
 * probe), with a short prefix the admin can recognise in the listing.
 */
@Component
public class IntegrationKeys {

    static final String PREFIX = "kik_";
    /** last_used_at is written at most this often per key: a busy integration is not one write per call. */
    static final Duration USE_RECORDED_EVERY = Duration.ofMinutes(1);

    public record Issued(String key, String keyPrefix, Instant createdAt) {
    }

    public record KeyInfo(String keyPrefix, UUID createdBy, Instant createdAt, @Nullable Instant lastUsedAt) {
    }

    /** Whose key a presented one is: the tenant, and the admin who made it (the signals' reporter). */
    public record Holder(UUID tenantId, UUID createdBy) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    IntegrationKeys(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public Issued rotate(Caller caller) {
        caller.requireAdmin();
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String prefix = key.substring(0, PREFIX.length() + 6);
        Instant now = clock.instant();
        jdbc.sql("""
                insert into integration_key (tenant_id, key_hash, key_prefix, created_by, created_at) values (?, ?, ?, ?, ?)
                on conflict (tenant_id) do update set key_hash = excluded.key_hash, key_prefix = excluded.key_prefix,
                                                      created_by = excluded.created_by, created_at = excluded.created_at, last_used_at = null""")
                .params(caller.tenantId(), hash(key), prefix, caller.userId(), Timestamp.from(now)).update();
        return new Issued(key, prefix, now);
    }

    @Transactional(readOnly = true)
    public KeyInfo describe(Caller caller) {
        caller.requireAdmin();
        return jdbc.sql("select key_prefix, created_by, created_at, last_used_at from integration_key where tenant_id = ?")
                .param(caller.tenantId())
                .query((rs, i) -> new KeyInfo(rs.getString(1), rs.getObject(2, UUID.class), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()))
                .optional().orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "This tenant has no integration key", Map.of()));
    }

    @Transactional
    public void revoke(Caller caller) {
        caller.requireAdmin();
        jdbc.sql("delete from integration_key where tenant_id = ?").param(caller.tenantId()).update();
    }

    /** The holder of a presented key, or empty for no key, a wrong one, a replaced or a deleted one. */
    @Transactional
    public Optional<Holder> holder(@Nullable String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 100) {
            return Optional.empty();
        }
        Optional<Holder> holder = jdbc.sql("select tenant_id, created_by from integration_key where key_hash = ?").param(hash(presented))
                .query((rs, i) -> new Holder(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class))).optional();
        holder.ifPresent(h -> {
            Instant now = clock.instant();
            jdbc.sql("update integration_key set last_used_at = ? where tenant_id = ? and (last_used_at is null or last_used_at < ?)")
                    .params(Timestamp.from(now), h.tenantId(), Timestamp.from(now.minus(USE_RECORDED_EVERY))).update();
        });
        return holder;
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
