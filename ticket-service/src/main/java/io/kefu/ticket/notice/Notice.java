package io.kefu.ticket.notice;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Converter;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/** One message in a provider's message center; only its read state ever changes. */
@Entity
@Table(name = "notice")
class Notice implements org.springframework.data.domain.Persistable<UUID> {

    @Id
    UUID id;
    UUID tenantId;
    UUID providerId;
    @Convert(converter = TypeColumn.class)
    NoticeType type;
    String title;
    String content;
    @Nullable UUID relatedCustomerId;
    @Nullable String relatedCustomerName;
    @Nullable UUID relatedTicketId;
    @Column(name = "read_status")
    String readStatus;
    Instant createdAt;

    /** Ids are assigned here, so Spring Data is told which rows are new (persist, not merge). */
    @jakarta.persistence.Transient
    private boolean stored;

    protected Notice() {
    }

    @Override
    public UUID getId() {
        return id;
    }

    @Override
    public boolean isNew() {
        return !stored;
    }

    @jakarta.persistence.PostLoad
    @jakarta.persistence.PostPersist
    void stored() {
        stored = true;
    }

    Notice(UUID tenantId, UUID providerId, NoticeType type, String title, String content, @Nullable UUID relatedCustomerId,
            @Nullable String relatedCustomerName, @Nullable UUID relatedTicketId, Instant now) {
        this.id = UUID.randomUUID();
        this.tenantId = tenantId;
        this.providerId = providerId;
        this.type = type;
        this.title = title.length() > 200 ? title.substring(0, 200) : title;
        this.content = content;
        this.relatedCustomerId = relatedCustomerId;
        this.relatedCustomerName = relatedCustomerName;
        this.relatedTicketId = relatedTicketId;
        this.readStatus = "unread";
        this.createdAt = now;
    }

    /** Idempotent: reading a read message changes nothing. */
    boolean markRead() {
        if ("read".equals(readStatus)) {
            return false;
        }
        readStatus = "read";
        return true;
    }

    @Converter
    static class TypeColumn implements AttributeConverter<NoticeType, String> {
        @Override
        public String convertToDatabaseColumn(NoticeType type) {
            return type == null ? null : type.wire();
        }

        @Override
        public NoticeType convertToEntityAttribute(String value) {
            return value == null ? null : NoticeType.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
