package io.kefu.chat.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

@EventType(value = "chat.conversation.opened.v1", priority = 5)
public record ConversationOpened(UUID conversationId, UUID customerId, String channel, String source, Instant startedAt) {
}
