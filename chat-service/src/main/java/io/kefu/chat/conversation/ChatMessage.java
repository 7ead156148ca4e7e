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
import org.hibernate.annotations.Generated;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.springframework.data.domain.Persistable;

@Entity
@Table(name = "message")
class ChatMessage implements Persistable<UUID> {

    /** Ids are assigned here, so Spring Data cannot tell new rows by a null id: persist, never merge, new ones. */
    @Transient
    private boolean fresh = true;

    @Id
    UUID id;
    /** Assigned by the database (identity column) and read back after insert. */
    @Generated
    @Column(insertable = false, updatable = false)
    Long seq;
    UUID conversationId;
    UUID tenantId;
    UUID senderId;
    String senderType;
    String type;
    String content;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    String extra;
    String channel;
    String clientMsgId;
    String channelMsgId;
    String status;
    String failureReason;
    String failureCode;
    Instant createdAt;
    Instant sentAt;
    Instant deliveredAt;
    Instant readAt;

    protected ChatMessage() {
    }

    ChatMessage(UUID id, Conversation conversation, UUID senderId, SenderType senderType, MessageType type, String content,
            String extra, String channel, Instant now) {
        this.id = id;
        this.conversationId = conversation.id;
        this.tenantId = conversation.tenantId;
        this.senderId = senderId;
        this.senderType = senderType.code();
        this.type = type.code();
        this.content = content;
        this.extra = extra;
        this.channel = channel;
        this.createdAt = now;
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
