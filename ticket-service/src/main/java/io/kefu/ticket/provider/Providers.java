package io.kefu.ticket.provider;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The tenant's service providers as auth-service announced them ({@code auth.provider.registered.v1},
 * {@code auth.provider.updated.v1}).
 * Providers sign in through auth; their token's {@code sub} is the id kept here.
 */
@Component
public class Providers {

    public record Provider(UUID id, UUID tenantId, String name, @Nullable String username) {
    }

    /** A provider's name changed (inside the transaction that applied auth's update). */
    public record ProviderRenamed(UUID tenantId, UUID providerId, String name) {
    }

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    Providers(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /**
     * Idempotent: a redelivered or repeated registration keeps one row with the latest name, but never
     * overwrites what an update (a newer version) already set.
     */
    public void registered(UUID id, UUID tenantId, String name, @Nullable String username, Instant at) {
        jdbc.sql("""
                insert into provider (id, tenant_id, name, username, registered_at) values (?, ?, ?, ?, ?)
                on conflict (id) do update set name = excluded.name, username = excluded.username where provider.version = 0""")
                .params(id, tenantId, name, username, java.sql.Timestamp.from(at)).update();
    }

    /**
     * auth's {@code auth.provider.updated.v1}: the account's full new state, applied only if its version is
     * newer than the one kept (events may arrive out of order; an update before the registration creates the
     * row). A changed name is announced in this transaction ({@link ProviderRenamed}) so the copies other
     * features keep (the assignee name of the provider's tickets) follow it.
     */
    public void updated(UUID id, UUID tenantId, String name, @Nullable String username, boolean active, long version, Instant at) {
        String before = jdbc.sql("select name from provider where id = ? for update").param(id).query(String.class).optional().orElse(null);
        int changed = jdbc.sql("""
                insert into provider (id, tenant_id, name, username, registered_at, version, active) values (?, ?, ?, ?, ?, ?, ?)
                on conflict (id) do update set name = excluded.name, username = excluded.username, active = excluded.active,
                                              version = excluded.version
                where provider.version < excluded.version""")
                .params(id, tenantId, name, username, java.sql.Timestamp.from(at), version, active).update();
        if (changed > 0 && before != null && !before.equals(name)) {
            events.publishEvent(new ProviderRenamed(tenantId, id, name));
        }
    }

    public Optional<Provider> find(UUID tenantId, UUID id) {
        return jdbc.sql("select id, tenant_id, name, username from provider where tenant_id = ? and id = ?").params(tenantId, id)
                .query((rs, i) -> new Provider(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4)))
                .optional();
    }

    public String nameOf(UUID tenantId, UUID id) {
        return find(tenantId, id).map(Provider::name).orElse("服务商");
    }
}
