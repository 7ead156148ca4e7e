package io.kefu.chat.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

@EventType("chat.conversation.opened.v1")
public record ConversationOpened(UUID conversationId, UUID customerId, String channel, String source, Instant startedAt) {
}
