package io.kefu.chat.conversation;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Persistable;
import org.springframework.http.HttpStatus;

/**
 * A consultation between a customer and the business. Its state changes are the methods below; the
 * services only load, call and save. Last-message times are moved by SQL instead
 * ({@link MessageSending}), so that concurrent messages do not conflict on the version.
 */
@Entity
@Table(name = "conversation")
class Conversation implements Persistable<UUID> {

    static final ProblemType ALREADY_RATED = new ProblemType("already-rated", HttpStatus.CONFLICT, "Already rated");
    static final ProblemType NOT_ENDED = new ProblemType("conversation-open", HttpStatus.CONFLICT, "Conversation is still open");

    /** Ids are assigned here, so Spring Data cannot tell new rows by a null id: persist, never merge, new ones. */
    @Transient
    private boolean fresh = true;

    @Id
    private UUID id;
    private UUID tenantId;
    private UUID customerId;
    private @Nullable UUID agentId;
    @Convert(converter = ConversationStatus.Column.class)
    private ConversationStatus status;
    private String source;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private @Nullable String sourceInfo;
    private String channel;
    private @Nullable UUID channelAccountId;
    private @Nullable String channelUserId;
    private Instant startedAt;
    private Instant lastMessageAt;
    private @Nullable Instant lastCustomerMessageAt;
    private @Nullable Instant endedAt;
    private @Nullable String endedReason;
    private @Nullable UUID endedBy;
    @Convert(converter = EndType.Column.class)
    private @Nullable EndType endedType;
    private @Nullable String endedComment;
    private @Nullable Short rating;
    private @Nullable String feedback;
    private @Nullable Instant ratedAt;
    @Version
    private long version;
    private Instant createdAt;
    private Instant updatedAt;

    protected Conversation() {
    }

    /** A new conversation, waiting for routing's decision. */
    Conversation(UUID id, UUID tenantId, UUID customerId, Source source, Channel channel, Instant now) {
        this.id = id;
        this.tenantId = tenantId;
        this.customerId = customerId;
        this.status = ConversationStatus.WAITING;
        this.source = source.code();
        this.channel = channel.code();
        this.startedAt = now;
        this.lastMessageAt = now;
        this.createdAt = now;
        this.updatedAt = now;
    }

    // ---- state changes ----

    /**
     * The customer now writes through {@code channel} (as {@code channelUserId} of {@code channelAccountId}
     * for WeChat channels, neither for realtime ones): replies leave the same way.
     *
     * @return whether anything changed
     */
    boolean reachedThrough(Channel channel, @Nullable UUID channelAccountId, @Nullable String channelUserId, Instant now) {
        if (channel.code().equals(this.channel) && Objects.equals(channelAccountId, this.channelAccountId)
                && Objects.equals(channelUserId, this.channelUserId)) {
            return false;
        }
        this.channel = channel.code();
        this.channelAccountId = channelAccountId;
        this.channelUserId = channelUserId;
        this.updatedAt = now;
        return true;
    }

    /**
     * routing's decision: active with {@code agentId}, or waiting again when it is null.
     *
     * @return whether anything changed (a repeated decision changes nothing)
     */
    boolean assign(@Nullable UUID agentId, Instant now) {
        requireOpen();
        ConversationStatus next = agentId == null ? ConversationStatus.WAITING : ConversationStatus.ACTIVE;
        if (Objects.equals(this.agentId, agentId) && status == next) {
            return false;
        }
        this.agentId = agentId;
        this.status = next;
        this.updatedAt = now;
        return true;
    }

    /** Ends the conversation: {@code timeout} for routing's timeout, {@code closed} otherwise. */
    void end(String reason, @Nullable UUID by, EndType type, @Nullable String comment, Instant now) {
        requireOpen();
        if (comment != null && comment.length() > 1000) {
            throw new KefuProblemException(ProblemType.VALIDATION, "comment is at most 1000 characters");
        }
        this.status = "timeout".equals(reason) ? ConversationStatus.TIMEOUT : ConversationStatus.CLOSED;
        this.endedAt = now;
        this.endedReason = reason;
        this.endedBy = by;
        this.endedType = type;
        this.endedComment = comment;
        this.updatedAt = now;
    }

    /** The customer's rating of an ended conversation, once. */
    void rate(int rating, @Nullable String feedback, Instant now) {
        if (isOpen()) {
            throw new KefuProblemException(NOT_ENDED, "End the conversation before rating it");
        }
        if (this.rating != null) {
            throw new KefuProblemException(ALREADY_RATED, "Conversation " + id + " was rated already");
        }
        this.rating = (short) rating;
        this.feedback = feedback;
        this.ratedAt = now;
        this.updatedAt = now;
    }

    private void requireOpen() {
        if (!isOpen()) {
            throw ConversationAccess.ended(id);
        }
    }

    // ---- reading ----

    boolean isOpen() {
        return status.open();
    }

    UUID id() {
        return id;
    }

    UUID tenantId() {
        return tenantId;
    }

    UUID customerId() {
        return customerId;
    }

    @Nullable UUID agentId() {
        return agentId;
    }

    ConversationStatus status() {
        return status;
    }

    String channel() {
        return channel;
    }

    @Nullable UUID channelAccountId() {
        return channelAccountId;
    }

    @Nullable String channelUserId() {
        return channelUserId;
    }

    Instant startedAt() {
        return startedAt;
    }

    ConversationView view() {
        return new ConversationView(id, tenantId, customerId, agentId, status.code(), source, channel, startedAt, lastMessageAt,
                endedAt, endedReason, endedBy, endedType == null ? null : endedType.code(), endedComment,
                rating == null ? null : rating.intValue(), feedback);
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
