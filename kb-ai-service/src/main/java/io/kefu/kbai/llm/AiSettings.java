package io.kefu.kbai.llm;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.security.SecretCipher;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Tenants' AI settings (table {@code ai_setting}): their own model, or the service's default, and
 * the low band's route. The key is sealed at rest and opened only to build the model client.
 */
@Component
public class AiSettings {

    /** What the settings API shows and takes; the key itself is never shown. */
    record Stored(UUID tenantId, @Nullable String baseUrl, @Nullable String model, boolean hasApiKey, int timeoutMs, LowBand lowBand,
            long version) {
    }

    private final JdbcClient jdbc;
    private final SecretCipher cipher;
    private final LiveProperties<LlmProperties> properties;
    private final Clock clock;

    AiSettings(JdbcClient jdbc, SecretCipher cipher, LiveProperties<LlmProperties> properties, Clock clock) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.properties = properties;
        this.clock = clock;
    }

    /** What the answer policy reads for {@code tenantId}: its model (own, else the default, else none) and its low band. */
    public TenantAi of(UUID tenantId) {
        LlmProperties p = properties.get();
        Optional<Row> row = row(tenantId);
        TenantAi.ModelConfig model = null;
        if (row.isPresent() && row.get().baseUrl() != null && row.get().model() != null) {
            Row r = row.get();
            String key = r.sealedKey() == null ? "" : cipher.decrypt(r.sealedKey());
            Duration timeout = Duration.ofMillis(r.timeoutMs());
            model = new TenantAi.ModelConfig(r.baseUrl(), r.model(), key, timeout.compareTo(p.maxTimeout()) > 0 ? p.maxTimeout() : timeout,
                    r.version());
        } else if (p.hasDefault()) {
            model = new TenantAi.ModelConfig(p.baseUrl(), p.model(), p.apiKey(), p.timeout(), 0);
        }
        return new TenantAi(model, row.map(Row::lowBand).orElse(LowBand.REVIEW));
    }

    Stored stored(UUID tenantId) {
        return row(tenantId).map(r -> new Stored(tenantId, r.baseUrl(), r.model(), r.sealedKey() != null, r.timeoutMs(), r.lowBand(),
                r.version())).orElse(new Stored(tenantId, null, null, false, (int) properties.get().timeout().toMillis(), LowBand.REVIEW, 0));
    }

    /**
     * Saves the tenant's settings; a null {@code apiKey} keeps the stored one, an empty one removes it.
     * A blank base URL or model means "use the service's default model".
     */
    Stored save(UUID tenantId, @Nullable String baseUrl, @Nullable String model, @Nullable String apiKey, int timeoutMs, LowBand lowBand,
            UUID by) {
        String sealed = apiKey == null ? row(tenantId).map(Row::sealedKey).orElse(null) : apiKey.isEmpty() ? null : cipher.encrypt(apiKey);
        jdbc.sql("""
                insert into ai_setting (tenant_id, base_url, model, api_key_sealed, timeout_ms, low_band, version, updated_by, updated_at)
                values (:tenant, :baseUrl, :model, :key, :timeout, :lowBand, 1, :by, :now)
                on conflict (tenant_id) do update set base_url = excluded.base_url, model = excluded.model,
                    api_key_sealed = excluded.api_key_sealed, timeout_ms = excluded.timeout_ms, low_band = excluded.low_band,
                    version = ai_setting.version + 1, updated_by = excluded.updated_by, updated_at = excluded.updated_at""")
                .param("tenant", tenantId).param("baseUrl", blankToNull(baseUrl)).param("model", blankToNull(model)).param("key", sealed)
                .param("timeout", timeoutMs).param("lowBand", lowBand.code()).param("by", by)
                .param("now", Timestamp.from(clock.instant())).update();
        return stored(tenantId);
    }

    private record Row(@Nullable String baseUrl, @Nullable String model, @Nullable String sealedKey, int timeoutMs, LowBand lowBand,
            long version) {
    }

    private Optional<Row> row(UUID tenantId) {
        return jdbc.sql("select * from ai_setting where tenant_id = ?").param(tenantId)
                .query((rs, i) -> new Row(rs.getString("base_url"), rs.getString("model"), rs.getString("api_key_sealed"),
                        rs.getInt("timeout_ms"), LowBand.of(rs.getString("low_band")), rs.getLong("version")))
                .optional();
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
