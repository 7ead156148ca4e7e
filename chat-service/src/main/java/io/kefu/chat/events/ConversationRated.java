package io.kefu.chat.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

@EventType(value = "chat.conversation.rated.v1", priority = 2)
public record ConversationRated(UUID conversationId, UUID customerId, @Nullable UUID agentId, int rating, Instant ratedAt) {
}
