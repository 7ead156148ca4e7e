package io.kefu.auth.account;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** Anyone who signs in other than as a customer: staff, tenant admins, providers, the superadmin. */
@Entity
@Table(name = "account")
class Account {

    @Id
    UUID id;
    UUID tenantId;
    String type;
    String name;
    String username;
    String passwordHash;
    String wechatOpenid;
    String wecomUserId;
    String avatar;
    String department;
    /** Declared roles, comma-separated; tokens carry them with their implied roles. */
    String roles;
    int maxConcurrentChats;
    boolean active;
    int failedAttempts;
    Instant lockedUntil;
    Instant lastLoginAt;
    @Version
    long version;
    Instant createdAt;
    Instant updatedAt;

    protected Account() {
    }

    Account(UUID id, UUID tenantId, String type, Instant now) {
        this.id = id;
        this.tenantId = tenantId;
        this.type = type;
        this.active = true;
        this.maxConcurrentChats = 5;
        this.createdAt = now;
        this.updatedAt = now;
    }

    List<String> roleList() {
        return roles == null || roles.isBlank() ? List.of() : Arrays.stream(roles.split(",")).map(String::strip).toList();
    }
}
