package io.kefu.chat.conversation;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Transient;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.springframework.data.domain.Persistable;

@Entity
@Table(name = "conversation")
class Conversation implements Persistable<UUID> {

    /** Ids are assigned here, so Spring Data cannot tell new rows by a null id: persist, never merge, new ones. */
    @Transient
    private boolean fresh = true;

    @Id
    UUID id;
    UUID tenantId;
    UUID customerId;
    UUID agentId;
    String status;
    String source;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    String sourceInfo;
    String channel;
    UUID channelAccountId;
    String channelUserId;
    Instant startedAt;
    Instant lastMessageAt;
    Instant lastCustomerMessageAt;
    Instant endedAt;
    String endedReason;
    UUID endedBy;
    String endedType;
    String endedComment;
    Short rating;
    String feedback;
    Instant ratedAt;
    @Version
    long version;
    Instant createdAt;
    Instant updatedAt;

    protected Conversation() {
    }

    Conversation(UUID id, UUID tenantId, UUID customerId, String source, Instant now) {
        this.id = id;
        this.tenantId = tenantId;
        this.customerId = customerId;
        this.status = ConversationStatus.WAITING.code();
        this.source = source;
        this.startedAt = now;
        this.lastMessageAt = now;
        this.createdAt = now;
        this.updatedAt = now;
    }

    boolean isOpen() {
        return ConversationStatus.of(status).open();
    }

    ConversationView view() {
        return new ConversationView(id, tenantId, customerId, agentId, status, source, channel, startedAt, lastMessageAt,
                endedAt, endedReason, endedBy, endedType, endedComment, rating == null ? null : rating.intValue(), feedback);
    }

    @Override
    public UUID getId() {
        return id;
    }

    @Override
    public boolean isNew() {
        return fresh;
    }

    @PostLoad
    @PostPersist
    void stored() {
        fresh = false;
    }
}
