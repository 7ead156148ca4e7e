package io.kefu.chat.channel;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.common.security.SecretCipher;
import me.chanjar.weixin.cp.api.WxCpService;
import me.chanjar.weixin.mp.api.WxMpService;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The registry of channel accounts: lookups for callbacks and delivery (by appId, corpId + agentId,
 * id), WeChat API clients per account, and the admin operations behind {@code /api/admin/channels}.
 * Secrets are sealed with {@link SecretCipher} before they reach the database.
 */
@Service
public class ChannelAccounts {

    private static final Pattern APP_ID = Pattern.compile("wx[0-9a-f]{16}");
    private static final Pattern CORP_ID = Pattern.compile("w[wx][0-9a-zA-Z]{16}");
    private static final Pattern MP_SECRET = Pattern.compile("[0-9a-zA-Z]{32}");
    private static final Pattern WECOM_SECRET = Pattern.compile("[0-9A-Za-z_-]{20,64}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]{3,32}");
    private static final Pattern AES_KEY = Pattern.compile("[A-Za-z0-9+/]{43}");
    private static final String COLUMNS = "id, tenant_id, kind, name, app_id, corp_id, agent_id, enabled, secret_enc, token_enc, aes_key_enc, "
            + "version, created_at, updated_at";

    private final JdbcTemplate jdbc;
    private final SecretCipher cipher;
    private final WechatClients clients;
    private final Clock clock;
    private final LiveProperties<ChannelProperties> properties;
    /**
     * Accounts with their secrets decrypted, by "mp:appId", "wecom:corpId:agentId" and "id:uuid": a callback
     * or a delivery otherwise reads the row and opens three sealed secrets (AES-GCM) every time. Only rows
     * that exist are kept (an unknown appId in a URL adds nothing), each for {@code accountCacheTtl}.
     */
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Bumped by every change made here: a lookup that read the row before the change does not cache it. */
    private final AtomicLong generation = new AtomicLong();

    ChannelAccounts(JdbcTemplate jdbc, SecretCipher channelSecretCipher, WechatClients clients, Clock clock,
            LiveProperties<ChannelProperties> channelProperties) {
        this.jdbc = jdbc;
        this.cipher = channelSecretCipher;
        this.clients = clients;
        this.clock = clock;
        this.properties = channelProperties;
    }

    // ---- lookups (any package) ----

    public Optional<ChannelAccount> findById(UUID id) {
        return row("where id = ?", id).map(Row::view);
    }

    /** The Official Account with this appId, enabled or not. */
    public Optional<ChannelAccount> findByAppId(String appId) {
        return row("where kind = 'mp' and app_id = ?", appId).map(Row::view);
    }

    /** The WeCom app of this company, enabled or not. */
    public Optional<ChannelAccount> findByCorpAgent(String corpId, int agentId) {
        return row("where kind = 'wecom' and corp_id = ? and agent_id = ?", corpId, agentId).map(Row::view);
    }

    /** The Official Account API client of an account (token shared through Redis by all instances). */
    public WxMpService mpService(UUID accountId) {
        Known known = cachedById(accountId).filter(k -> k.account().isMp())
                .orElseThrow(() -> new IllegalArgumentException("no OA account " + accountId));
        return clients.mp(known.account(), known.secrets(), known.version());
    }

    /** The WeCom API client of an app. */
    public WxCpService cpService(UUID accountId) {
        Known known = cachedById(accountId).filter(k -> k.account().isWecom())
                .orElseThrow(() -> new IllegalArgumentException("no WeCom app " + accountId));
        return clients.cp(known.account(), known.secrets(), known.version());
    }

    /** Decrypted secrets, for this package's callbacks only. */
    record Secrets(String secret, String token, @Nullable String aesKey) {
    }

    /** An account as this package's callbacks and deliveries use it: its view, its secrets opened, its version. */
    record Known(ChannelAccount account, Secrets secrets, long version) {
    }

    private record Cached(Known known, Instant until) {
    }

    /**
     * The Official Account with this appId, enabled or not, from the cache: a change made through this
     * instance applies at once, one made through another instance within {@code accountCacheTtl}.
     */
    Optional<Known> cachedByAppId(String appId) {
        return cached("mp:" + appId, () -> row("where kind = 'mp' and app_id = ?", appId));
    }

    /** The WeCom app, enabled or not, from the cache (as {@link #cachedByAppId}). */
    Optional<Known> cachedByCorpAgent(String corpId, int agentId) {
        return cached("wecom:" + corpId + ":" + agentId, () -> row("where kind = 'wecom' and corp_id = ? and agent_id = ?", corpId, agentId));
    }

    /** Any account by id, enabled or not, from the cache (as {@link #cachedByAppId}). */
    Optional<Known> cachedById(UUID id) {
        return cached("id:" + id, () -> row("where id = ?", id));
    }

    private Optional<Known> cached(String key, java.util.function.Supplier<Optional<Row>> load) {
        Instant now = clock.instant();
        Cached hit = cache.get(key);
        if (hit != null && now.isBefore(hit.until())) {
            return Optional.of(hit.known());
        }
        long seen = generation.get();
        Optional<Known> known = load.get().map(row -> new Known(row.view(), secrets(row), row.version));
        Duration ttl = properties.get().accountCacheTtl();
        if (known.isPresent() && ttl.isPositive()) {
            Cached entry = new Cached(known.get(), now.plus(ttl));
            cache.put(key, entry);
            if (generation.get() != seen) {
                cache.remove(key, entry); // changed while it was read: the next lookup reads it again
            }
        } else {
            cache.remove(key);
        }
        return known;
    }

    /** Forgets every cached account: called after each change, so this instance never answers with the old one. */
    private void forgetCached() {
        generation.incrementAndGet();
        cache.clear();
    }

    private Secrets secrets(Row row) {
        return new Secrets(cipher.decrypt(row.secretEnc), cipher.decrypt(row.tokenEnc), row.aesKeyEnc == null ? null : cipher.decrypt(row.aesKeyEnc));
    }

    // ---- admin ----

    /** What an admin sends to register an account; {@code tenantId} only for superadmin. */
    public record CreateChannel(@Nullable UUID tenantId, @Nullable String kind, @Nullable String name, @Nullable String appId,
            @Nullable String corpId, @Nullable Integer agentId, @Nullable String secret, @Nullable String token,
            @Nullable String encodingAesKey) {
    }

    /** Fields left out stay as they are; the account's identity (appId, corpId, agentId) never changes. */
    public record UpdateChannel(@Nullable String name, @Nullable String secret, @Nullable String token, @Nullable String encodingAesKey,
            @Nullable Boolean enabled) {
    }

    public ChannelAccount create(KefuPrincipal admin, CreateChannel command) {
        UUID tenantId = tenantOf(admin, command.tenantId());
        List<Map<String, String>> errors = new ArrayList<>();
        String kind = command.kind();
        if (!ChannelAccount.MP.equals(kind) && !ChannelAccount.WECOM.equals(kind)) {
            errors.add(error("kind", "must be mp or wecom"));
        }
        checkName(command.name(), true, errors);
        boolean mp = ChannelAccount.MP.equals(kind);
        if (mp) {
            check("appId", command.appId(), APP_ID, "must be 'wx' and 16 hex digits", true, errors);
            if (command.corpId() != null || command.agentId() != null) {
                errors.add(error("corpId", "an Official Account has no corpId or agentId"));
            }
            check("secret", command.secret(), MP_SECRET, "must be the 32-character AppSecret", true, errors);
        } else if (ChannelAccount.WECOM.equals(kind)) {
            check("corpId", command.corpId(), CORP_ID, "must be the 18-character corpId", true, errors);
            if (command.agentId() == null || command.agentId() <= 0) {
                errors.add(error("agentId", "must be the app's positive agentId"));
            }
            if (command.appId() != null) {
                errors.add(error("appId", "a WeCom app has no appId"));
            }
            check("secret", command.secret(), WECOM_SECRET, "must be the app's Secret", true, errors);
        }
        check("token", command.token(), TOKEN, "must be 3 to 32 letters or digits", true, errors);
        // WeCom always encrypts; an OA may run in plain mode without a key.
        checkAesKey(command.encodingAesKey(), ChannelAccount.WECOM.equals(kind), errors);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        try {
            jdbc.update("insert into channel_account (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, true, ?, ?, ?, 0, ?, ?)",
                    id, tenantId, kind, command.name().strip(), mp ? command.appId() : null, mp ? null : command.corpId(),
                    mp ? null : command.agentId(), cipher.encrypt(command.secret()), cipher.encrypt(command.token()),
                    command.encodingAesKey() == null ? null : cipher.encrypt(command.encodingAesKey()), Timestamp.from(now), Timestamp.from(now));
        } catch (DuplicateKeyException e) {
            throw new KefuProblemException(ProblemType.CONFLICT, mp ? "An Official Account with appId " + command.appId() + " is registered already"
                    : "WeCom app " + command.corpId() + "/" + command.agentId() + " is registered already");
        } finally {
            forgetCached();
        }
        return findById(id).orElseThrow();
    }

    public List<ChannelAccount> list(KefuPrincipal admin, @Nullable UUID tenantId) {
        UUID tenant = tenantOf(admin, tenantId);
        return jdbc.query("select " + COLUMNS + " from channel_account where tenant_id = ? order by created_at", ChannelAccounts::map, tenant)
                .stream().map(Row::view).toList();
    }

    public ChannelAccount get(KefuPrincipal admin, UUID id) {
        return visible(admin, id).view();
    }

    public ChannelAccount update(KefuPrincipal admin, UUID id, UpdateChannel command) {
        Row row = visible(admin, id);
        List<Map<String, String>> errors = new ArrayList<>();
        checkName(command.name(), false, errors);
        check("secret", command.secret(), row.view().isMp() ? MP_SECRET : WECOM_SECRET, "is not a valid secret", false, errors);
        check("token", command.token(), TOKEN, "must be 3 to 32 letters or digits", false, errors);
        checkAesKey(command.encodingAesKey(), false, errors);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        Instant now = clock.instant();
        int updated = jdbc.update("""
                update channel_account set name = coalesce(?, name), secret_enc = coalesce(?, secret_enc), token_enc = coalesce(?, token_enc),
                    aes_key_enc = coalesce(?, aes_key_enc), enabled = coalesce(?, enabled), version = version + 1, updated_at = ?
                where id = ? and version = ?""",
                command.name() == null ? null : command.name().strip(), sealed(command.secret()), sealed(command.token()),
                sealed(command.encodingAesKey()), command.enabled(), Timestamp.from(now), id, row.version);
        forgetCached();
        if (updated == 0) {
            throw new KefuProblemException(ProblemType.CONFLICT, "The account was changed by someone else; reload it and try again");
        }
        return findById(id).orElseThrow();
    }

    public ChannelAccount setEnabled(KefuPrincipal admin, UUID id, boolean enabled) {
        return update(admin, id, new UpdateChannel(null, null, null, null, enabled));
    }

    private Row visible(KefuPrincipal admin, UUID id) {
        return row("where id = ?", id).filter(r -> admin.isSuperadmin() || r.tenantId.equals(admin.tenantId()))
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No channel account " + id));
    }

    private static UUID tenantOf(KefuPrincipal admin, @Nullable UUID requested) {
        if (admin.isSuperadmin()) {
            if (requested == null) {
                throw invalid(List.of(error("tenantId", "is required for superadmin")));
            }
            return requested;
        }
        if (admin.tenantId() == null || !admin.hasRole("admin")) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only a tenant's admin manages its channels");
        }
        if (requested != null && !requested.equals(admin.tenantId())) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "An admin manages only their own tenant's channels");
        }
        return admin.tenantId();
    }

    private @Nullable String sealed(@Nullable String value) {
        return value == null ? null : cipher.encrypt(value);
    }

    private static void checkName(@Nullable String name, boolean required, List<Map<String, String>> errors) {
        if (name == null) {
            if (required) {
                errors.add(error("name", "is required"));
            }
        } else if (name.isBlank() || name.strip().length() > 100) {
            errors.add(error("name", "must be 1 to 100 characters"));
        }
    }

    private static void check(String field, @Nullable String value, Pattern pattern, String message, boolean required,
            List<Map<String, String>> errors) {
        if (value == null) {
            if (required) {
                errors.add(error(field, "is required"));
            }
        } else if (!pattern.matcher(value).matches()) {
            errors.add(error(field, message));
        }
    }

    /** 43 base64 characters that decode (with the '=' WeChat leaves off) to a 32-byte AES key. */
    private static void checkAesKey(@Nullable String value, boolean required, List<Map<String, String>> errors) {
        if (value == null) {
            if (required) {
                errors.add(error("encodingAesKey", "is required"));
            }
            return;
        }
        boolean valid = AES_KEY.matcher(value).matches();
        if (valid) {
            try {
                valid = Base64.getDecoder().decode(value + "=").length == 32;
            } catch (IllegalArgumentException e) {
                valid = false;
            }
        }
        if (!valid) {
            errors.add(error("encodingAesKey", "must be the 43-character base64 EncodingAESKey"));
        }
    }

    private static Map<String, String> error(String field, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        return error;
    }

    private static KefuProblemException invalid(List<Map<String, String>> errors) {
        return new KefuProblemException(ProblemType.VALIDATION, "Some fields are not valid", Map.of("errors", errors));
    }

    // ---- rows ----

    private record Row(UUID id, UUID tenantId, String kind, String name, @Nullable String appId, @Nullable String corpId,
            @Nullable Integer agentId, boolean enabled, String secretEnc, String tokenEnc, @Nullable String aesKeyEnc, long version,
            Instant createdAt, Instant updatedAt) {

        ChannelAccount view() {
            return new ChannelAccount(id, tenantId, kind, name, appId, corpId, agentId, enabled, true, true, aesKeyEnc != null, createdAt,
                    updatedAt);
        }
    }

    private Optional<Row> row(String where, Object... args) {
        return jdbc.query("select " + COLUMNS + " from channel_account " + where, ChannelAccounts::map, args).stream().findFirst();
    }

    private static Row map(ResultSet rs, int rowNum) throws SQLException {
        Object agent = rs.getObject("agent_id");
        return new Row(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class), rs.getString("kind"), rs.getString("name"),
                rs.getString("app_id"), rs.getString("corp_id"), agent == null ? null : ((Number) agent).intValue(), rs.getBoolean("enabled"),
                rs.getString("secret_enc"), rs.getString("token_enc"), rs.getString("aes_key_enc"), rs.getLong("version"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
