package io.kefu.routing.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

/** The tenant answers with the AI first: kb-ai-service should answer this message (or hand it back). */
@EventType(value = "routing.ai.requested.v1", priority = 5)
public record AiAnswerRequested(UUID conversationId, UUID customerId, UUID messageId, String content, Instant requestedAt) {
}
