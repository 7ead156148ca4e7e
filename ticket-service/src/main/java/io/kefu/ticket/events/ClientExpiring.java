package io.kefu.ticket.events;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import io.kefu.common.event.EventType;

/**
 * A provider's customer's licence expires within the notice window (fact), raised once per expiry
 * date; a renewal_question ticket ({@code ticketId}) was opened with it.
 */
@EventType(value = "ticket.client.expiring.v1", priority = 5)
public record ClientExpiring(UUID customerId, UUID serviceProviderId, String name, LocalDate expiryDate, long daysLeft, UUID ticketId,
        Instant detectedAt) {
}
