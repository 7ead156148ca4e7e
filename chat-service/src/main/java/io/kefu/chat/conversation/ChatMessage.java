package io.kefu.chat.conversation;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventJson;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import org.hibernate.annotations.Generated;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Persistable;

/** One message of a conversation, in or out; its status moves only through the methods below, never backwards. */
@Entity
@Table(name = "message")
class ChatMessage implements Persistable<UUID> {

    /** Ids are assigned here, so Spring Data cannot tell new rows by a null id: persist, never merge, new ones. */
    @Transient
    private boolean fresh = true;

    @Id
    private UUID id;
    /** Assigned by the database (identity column) and read back after insert. */
    @Generated
    @Column(insertable = false, updatable = false)
    private Long seq;
    private UUID conversationId;
    private UUID tenantId;
    private @Nullable UUID senderId;
    private String senderType;
    private String type;
    private String content;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private @Nullable String extra;
    private String channel;
    private @Nullable String clientMsgId;
    private @Nullable String channelMsgId;
    @Convert(converter = MessageStatus.Column.class)
    private MessageStatus status;
    private @Nullable String failureReason;
    private @Nullable String failureCode;
    private Instant createdAt;
    private @Nullable Instant sentAt;
    private @Nullable Instant deliveredAt;
    private @Nullable Instant readAt;

    protected ChatMessage() {
    }

    /**
     * A new message. One the service pushes itself (a customer's, or any on a realtime channel) is
     * {@code sent} at once; one that a WeChat API must accept first is {@code sending}.
     */
    ChatMessage(UUID id, Conversation conversation, @Nullable UUID senderId, SenderType senderType, MessageType type, String content,
            @Nullable String extra, Channel channel, boolean sentNow, @Nullable String clientMsgId, @Nullable String channelMsgId,
            Instant now) {
        this.id = id;
        this.conversationId = conversation.id();
        this.tenantId = conversation.tenantId();
        this.senderId = senderId;
        this.senderType = senderType.code();
        this.type = type.code();
        this.content = content;
        this.extra = extra;
        this.channel = channel.code();
        this.clientMsgId = clientMsgId;
        this.channelMsgId = channelMsgId;
        this.createdAt = now;
        if (sentNow) {
            this.status = MessageStatus.SENT;
            this.sentAt = now;
        } else {
            this.status = MessageStatus.SENDING;
        }
    }

    // ---- state changes ----

    /** The channel accepted it (also after a failure: a late answer, or a lost one that turned out well). */
    boolean channelAccepted(Instant now) {
        if (status != MessageStatus.SENDING && status != MessageStatus.FAILED) {
            return false;
        }
        status = MessageStatus.SENT;
        sentAt = now;
        failureCode = null;
        failureReason = null;
        return true;
    }

    /** The channel refused it (or its outcome was lost); a settled message stays as it is. */
    boolean channelRefused(String code, String reason) {
        if (status != MessageStatus.SENDING) {
            return false;
        }
        status = MessageStatus.FAILED;
        failureCode = code.length() <= 32 ? code : code.substring(0, 32);
        failureReason = reason;
        return true;
    }

    /** A receipt of the receiving side; status only moves forward. @return whether anything changed */
    boolean acknowledge(Receipt receipt, Instant now) {
        if (status == MessageStatus.FAILED || status == MessageStatus.SENDING && receipt == Receipt.DELIVERED) {
            return false;
        }
        boolean touched = false;
        if (deliveredAt == null) {
            deliveredAt = now;
            if (sentAt == null) {
                sentAt = now;
            }
            status = MessageStatus.DELIVERED;
            touched = true;
        }
        if (receipt == Receipt.READ && readAt == null) {
            readAt = now;
            status = MessageStatus.READ;
            touched = true;
        }
        return touched;
    }

    // ---- reading ----

    UUID id() {
        return id;
    }

    UUID conversationId() {
        return conversationId;
    }

    boolean fromCustomer() {
        return SenderType.CUSTOMER.code().equals(senderType);
    }

    String senderType() {
        return senderType;
    }

    String type() {
        return type;
    }

    String content() {
        return content;
    }

    String channel() {
        return channel;
    }

    UUID tenantId() {
        return tenantId;
    }

    @Nullable UUID senderId() {
        return senderId;
    }

    @Nullable String extra() {
        return extra;
    }

    @Nullable String clientMsgId() {
        return clientMsgId;
    }

    @Nullable String channelMsgId() {
        return channelMsgId;
    }

    MessageStatus status() {
        return status;
    }

    Instant createdAt() {
        return createdAt;
    }

    @Nullable Instant sentAt() {
        return sentAt;
    }

    /** Inserted by SQL ({@link MessageRows}) rather than persisted: the database's {@code seq} for it. */
    void inserted(long seq) {
        this.seq = seq;
        this.fresh = false;
    }

    @Nullable String failureCode() {
        return failureCode;
    }

    MessageView view() {
        return new MessageView(id, conversationId, seq == null ? 0 : seq, senderId, senderType, type, content,
                extra == null ? null : EventJson.mapper().readTree(extra), channel, status.code(), failureReason, clientMsgId, createdAt,
                sentAt, deliveredAt, readAt);
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
