package io.kefu.auth.customer;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One way a customer reaches the tenant; immutable once created. */
@Entity
@Table(name = "channel_identity")
class ChannelIdentity {

    @Id
    UUID id;
    UUID tenantId;
    UUID customerId;
    String kind;
    String appId;
    String value;
    Instant createdAt;

    protected ChannelIdentity() {
    }

    ChannelIdentity(UUID tenantId, UUID customerId, IdentityKind kind, String appId, String value, Instant now) {
        this.id = UUID.randomUUID();
        this.tenantId = tenantId;
        this.customerId = customerId;
        this.kind = kind.wire();
        this.appId = appId;
        this.value = value;
        this.createdAt = now;
    }
}
