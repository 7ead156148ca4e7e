package io.kefu.ticket.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A ticket was opened (fact). {@code customerId} is the provider's customer (licence holder),
 * {@code chatCustomerId} auth's customer when one opened it or it came from their conversation.
 */
@EventType(value = "ticket.ticket.created.v1", priority = 4)
public record TicketCreated(UUID ticketId, @Nullable UUID serviceProviderId, @Nullable UUID customerId, @Nullable UUID chatCustomerId,
        @Nullable UUID conversationId, String type, String priority, String title, String source, Instant createdAt) {
}
