package io.kefu.ticket.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A ticket missed an SLA target (fact): {@code target} first_response or resolution, the target and
 * the business time elapsed in minutes. The ticket is escalated in the same transaction.
 */
@EventType(value = "ticket.ticket.sla-breached.v1", priority = 7)
public record TicketSlaBreached(UUID ticketId, @Nullable UUID serviceProviderId, String type, String priority, String target,
        long targetMinutes, long elapsedMinutes, Instant detectedAt) {
}
