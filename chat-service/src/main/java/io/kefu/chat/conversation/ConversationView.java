package io.kefu.chat.conversation;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** A conversation as the API, STOMP and the other feature packages see it. */
public record ConversationView(
        UUID id,
        UUID tenantId,
        UUID customerId,
        @Nullable UUID agentId,
        String status,
        String source,
        String channel,
        Instant startedAt,
        Instant lastMessageAt,
        @Nullable Instant endedAt,
        @Nullable String endedReason,
        @Nullable UUID endedBy,
        @Nullable String endedType,
        @Nullable String endedComment,
        @Nullable Integer rating,
        @Nullable String feedback) {

    public boolean open() {
        return ConversationStatus.of(status).open();
    }
}
