package io.kefu.auth.tenant;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "tenant")
class Tenant {

    @Id
    UUID id;
    String name;
    /** TenantConfig as JSON; (de)serialized by TenantService with Jackson 3. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    String config;
    @Column(name = "miniapp_app_id")
    String miniAppId;
    @Column(name = "miniapp_secret")
    String miniAppSecretSealed;
    String status;
    @Version
    long version;
    Instant createdAt;
    Instant updatedAt;

    protected Tenant() {
    }

    Tenant(UUID id, Instant now) {
        this.id = id;
        this.createdAt = now;
        this.updatedAt = now;
        this.status = TenantService.ACTIVE;
    }
}
