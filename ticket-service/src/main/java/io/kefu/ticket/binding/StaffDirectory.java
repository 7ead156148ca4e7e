package io.kefu.ticket.binding;

import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The tenant's staff as auth announces them ({@code auth.staff.created.v1} / {@code updated.v1}):
 * their names, department, and the WeCom userid that binds a WeCom employee writing a staff command to a staff
 * account. An older profile version never overwrites a newer one.
 */
@Component
public class StaffDirectory {

    public record Member(UUID id, UUID tenantId, String name, @Nullable String wecomUserId, boolean active) {
    }

    private final JdbcClient jdbc;

    StaffDirectory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void upsert(UUID id, UUID tenantId, String name, @Nullable String wecomUserId, @Nullable String department, boolean active,
            long version) {
        jdbc.sql("""
                insert into staff (id, tenant_id, name, wecom_user_id, department, active, version) values (?, ?, ?, ?, ?, ?, ?)
                on conflict (id) do update set name = excluded.name, wecom_user_id = excluded.wecom_user_id,
                                              department = excluded.department, active = excluded.active, version = excluded.version
                where staff.version <= excluded.version""")
                .params(id, tenantId, name, wecomUserId, department, active, version).update();
    }

    public void deactivate(UUID id) {
        jdbc.sql("update staff set active = false where id = ?").param(id).update();
    }

    /** The active staff member a WeCom employee of the tenant is. */
    public Optional<Member> byWecomUser(UUID tenantId, String wecomUserId) {
        return jdbc.sql("select id, tenant_id, name, wecom_user_id, active from staff where tenant_id = ? and wecom_user_id = ? and active")
                .params(tenantId, wecomUserId).query((rs, i) -> new Member(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4), rs.getBoolean(5)))
                .optional();
    }

    public String nameOf(UUID tenantId, UUID id, String fallback) {
        return jdbc.sql("select name from staff where tenant_id = ? and id = ?").params(tenantId, id).query(String.class).optional()
                .orElse(fallback);
    }
}
