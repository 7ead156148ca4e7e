package io.kefu.ticket.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/** A ticket was marked resolved (fact); the customer may now rate it. */
@EventType(value = "ticket.ticket.resolved.v1", priority = 4)
public record TicketResolved(UUID ticketId, @Nullable UUID serviceProviderId, @Nullable UUID chatCustomerId, @Nullable UUID resolvedBy,
        String operatorType, Instant createdAt, Instant resolvedAt) {
}
