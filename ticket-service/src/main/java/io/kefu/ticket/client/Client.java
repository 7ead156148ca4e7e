package io.kefu.ticket.client;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.UUID;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Convert;
import jakarta.persistence.Converter;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.jspecify.annotations.Nullable;

/** A provider's software customer and their licence (seed 004 §4.1). */
@Entity
@Table(name = "client")
class Client {

    @Id
    UUID id;
    UUID tenantId;
    UUID providerId;
    String name;
    @Nullable String contactPerson;
    @Nullable String phone;
    @Nullable String email;
    @Nullable String region;
    @Nullable String softwareVersion;
    int portCount;
    LocalDate purchaseDate;
    LocalDate expiryDate;
    @Convert(converter = StatusColumn.class)
    ClientStatus status;
    int usageScore;
    @Nullable Instant lastActiveTime;
    @Nullable LocalDate renewalNoticedFor;
    Instant createdAt;
    Instant updatedAt;
    /** Null until first stored, so that Spring Data persists (not merges) a new one. */
    @Version
    @Nullable Long version;

    protected Client() {
    }

    Client(UUID tenantId, Details details, LocalDate today, int expiringDays, Instant now) {
        this.id = UUID.randomUUID();
        this.tenantId = tenantId;
        this.createdAt = now;
        apply(details, today, expiringDays, now);
    }

    /** Every field the admin sends, already checked (expiry not before purchase, ports ≥ 0). */
    record Details(UUID providerId, String name, @Nullable String contactPerson, @Nullable String phone, @Nullable String email,
            @Nullable String region, @Nullable String softwareVersion, int portCount, LocalDate purchaseDate, LocalDate expiryDate) {
    }

    void edit(Details details, LocalDate today, int expiringDays, Instant now) {
        apply(details, today, expiringDays, now);
    }

    private void apply(Details d, LocalDate today, int expiringDays, Instant now) {
        this.providerId = d.providerId();
        this.name = d.name();
        this.contactPerson = d.contactPerson();
        this.phone = d.phone();
        this.email = d.email();
        this.region = d.region();
        this.softwareVersion = d.softwareVersion();
        this.portCount = d.portCount();
        this.purchaseDate = d.purchaseDate();
        this.expiryDate = d.expiryDate();
        this.status = ClientStatus.of(expiryDate, today, expiringDays);
        this.updatedAt = now;
    }

    @Converter
    static class StatusColumn implements AttributeConverter<ClientStatus, String> {
        @Override
        public String convertToDatabaseColumn(ClientStatus status) {
            return status == null ? null : status.wire();
        }

        @Override
        public ClientStatus convertToEntityAttribute(String value) {
            return value == null ? null : ClientStatus.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }
}
