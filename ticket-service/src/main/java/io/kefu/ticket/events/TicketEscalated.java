package io.kefu.ticket.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A ticket was handed to the tenant's support staff (fact): by the provider (reason given) or
 * automatically when its SLA was breached ({@code automatic}). Staff tools notify the support team on it.
 */
@EventType(value = "ticket.ticket.escalated.v1", priority = 7)
public record TicketEscalated(UUID ticketId, @Nullable UUID serviceProviderId, @Nullable UUID customerId, String title, String type,
        String reason, boolean automatic, @Nullable UUID escalatedBy, Instant escalatedAt) {
}
