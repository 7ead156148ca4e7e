package io.kefu.ticket.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/** Someone replied on a ticket (fact); operatorType provider, staff or customer. */
@EventType(value = "ticket.ticket.replied.v1", priority = 4)
public record TicketReplied(UUID ticketId, @Nullable UUID serviceProviderId, @Nullable UUID chatCustomerId, @Nullable UUID operatorId,
        String operatorType, String content, String status, Instant repliedAt) {
}
