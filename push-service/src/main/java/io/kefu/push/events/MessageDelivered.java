package io.kefu.push.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

/** A fact: the provider's receipt says the message reached (or did not reach) the recipient's device. */
@EventType(value = "push.message.delivered.v1", priority = 1)
public record MessageDelivered(UUID messageId, String channel, boolean delivered, String detail, Instant receivedAt) {
}
