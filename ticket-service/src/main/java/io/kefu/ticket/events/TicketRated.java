package io.kefu.ticket.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/** The customer rated a resolved ticket (fact), once: score 1–5. */
@EventType(value = "ticket.ticket.rated.v1", priority = 3)
public record TicketRated(UUID ticketId, @Nullable UUID serviceProviderId, @Nullable UUID chatCustomerId, int score,
        @Nullable String comment, Instant ratedAt) {
}
