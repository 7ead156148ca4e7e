package io.kefu.push.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

/** A fact: a batch was accepted — how many recipients were queued and how many were rejected. */
@EventType(value = "push.batch.accepted.v1", priority = 2)
public record BatchAccepted(UUID batchId, UUID templateId, String channel, int priority, int accepted, int rejected, Instant acceptedAt) {
}
