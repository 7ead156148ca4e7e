package io.kefu.auth.customer;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

@Entity
@Table(name = "customer")
class Customer {

    @Id
    UUID id;
    UUID tenantId;
    String unionId;
    String nickname;
    String avatarUrl;
    short gender;
    String city;
    String province;
    String country;
    String phone;
    String status;
    @Version
    long version;
    Instant createdAt;
    Instant updatedAt;
    Instant lastActiveAt;

    protected Customer() {
    }

    Customer(UUID id, UUID tenantId, Instant now) {
        this.id = id;
        this.tenantId = tenantId;
        this.status = "active";
        this.createdAt = now;
        this.updatedAt = now;
        this.lastActiveAt = now;
    }
}
