package io.kefu.kbai.tenant;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * kb-ai's own record of each tenant's config (table {@code ai_tenant_rule}), kept from auth's events.
 * Events may arrive out of order: a row is only replaced by a higher version.
 */
@Component
public class TenantRuleBook {

    /** auth's status of a disabled tenant ({@code TenantService.disable}, or a PUT with this status). */
    public static final String DISABLED = "disabled";

    private final JdbcClient jdbc;

    TenantRuleBook(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public TenantRules of(UUID tenantId) {
        return jdbc.sql("select status, auto_mode, blacklist, whitelist, business_hours, reply_delay from ai_tenant_rule where tenant_id = ?")
                .param(tenantId)
                .query((rs, i) -> new TenantRules(rs.getBoolean("auto_mode"), strings(rs.getArray("blacklist")), strings(rs.getArray("whitelist")),
                        BusinessHours.parse(rs.getString("business_hours")), rs.getInt("reply_delay"),
                        !DISABLED.equals(rs.getString("status"))))
                .optional().orElse(TenantRules.NONE);
    }

    /** Keeps the config of {@code version} unless a later one is already kept; true when it was kept. */
    boolean keep(UUID tenantId, String status, boolean autoMode, List<String> blacklist, List<String> whitelist, @Nullable String businessHours,
            int replyDelay, long version, Instant now) {
        return jdbc.sql("""
                insert into ai_tenant_rule (tenant_id, status, auto_mode, blacklist, whitelist, business_hours, reply_delay, version, updated_at)
                values (:tenant, :status, :auto, :black, :white, :hours, :delay, :version, :now)
                on conflict (tenant_id) do update set status = excluded.status, auto_mode = excluded.auto_mode,
                    blacklist = excluded.blacklist, whitelist = excluded.whitelist, business_hours = excluded.business_hours,
                    reply_delay = excluded.reply_delay, version = excluded.version, updated_at = excluded.updated_at
                where ai_tenant_rule.version < excluded.version""")
                .param("tenant", tenantId).param("status", status).param("auto", autoMode)
                .param("black", blacklist.toArray(String[]::new)).param("white", whitelist.toArray(String[]::new))
                .param("hours", businessHours).param("delay", replyDelay).param("version", version).param("now", Timestamp.from(now))
                .update() == 1;
    }

    private static List<String> strings(@Nullable Array array) throws java.sql.SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
