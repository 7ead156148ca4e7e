package io.kefu.stats.metric;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Tenants stats has seen events of. */
@Component
public class Tenants {

    private final JdbcClient jdbc;

    Tenants(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Tenants whose row is committed (never deleted): their events need no insert. */
    private final Set<UUID> known = ConcurrentHashMap.newKeySet();

    public void seen(UUID tenantId, Instant at) {
        if (known.contains(tenantId)) {
            return;
        }
        // 0 rows: the row existed, committed (a concurrent insert is waited for), so it can be remembered
        if (jdbc.sql("insert into tenant (tenant_id, first_seen_at) values (?, ?) on conflict do nothing").params(tenantId, Timestamp.from(at))
                .update() == 0) {
            known.add(tenantId);
        }
    }

    public boolean exists(UUID tenantId) {
        return jdbc.sql("select count(*) from tenant where tenant_id = ?").param(tenantId).query(Long.class).single() > 0;
    }

    /** The tenant's business hours as auth configured them, when stats can read them (else null: calendar values only). */
    public @org.jspecify.annotations.Nullable String businessHours(UUID tenantId) {
        List<String> hours = jdbc.sql("select business_hours from tenant_hours where tenant_id = ?").param(tenantId).query(String.class).list();
        return hours.isEmpty() || BusinessHours.parse(hours.getFirst()) == null ? null : hours.getFirst();
    }

    public List<UUID> all() {
        return jdbc.sql("select tenant_id from tenant order by tenant_id").query(UUID.class).list();
    }
}
