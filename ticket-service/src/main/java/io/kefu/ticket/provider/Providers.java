package io.kefu.ticket.provider;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The tenant's service providers as auth-service announced them ({@code auth.provider.registered.v1}).
 * Providers sign in through auth; their token's {@code sub} is the id kept here.
 */
@Component
public class Providers {

    public record Provider(UUID id, UUID tenantId, String name, @Nullable String username) {
    }

    private final JdbcClient jdbc;

    Providers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Idempotent: a redelivered or repeated registration keeps one row with the latest name. */
    public void registered(UUID id, UUID tenantId, String name, @Nullable String username, Instant at) {
        jdbc.sql("""
                insert into provider (id, tenant_id, name, username, registered_at) values (?, ?, ?, ?, ?)
                on conflict (id) do update set name = excluded.name, username = excluded.username""")
                .params(id, tenantId, name, username, java.sql.Timestamp.from(at)).update();
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
