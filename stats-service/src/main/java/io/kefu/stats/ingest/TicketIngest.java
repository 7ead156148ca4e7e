package io.kefu.stats.ingest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventHandlers;
import io.kefu.stats.metric.Tickets;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import static io.kefu.stats.ingest.Projection.required;
import static io.kefu.stats.ingest.Projection.tenant;

/** ticket-service's facts (exchange kefu.ticket): tickets opened, escalated, resolved, and SLA targets missed. */
@Configuration(proxyBeanMethods = false)
class TicketIngest {

    record Created(@Nullable UUID ticketId, @Nullable UUID conversationId, @Nullable Instant createdAt) {
    }

    record Resolved(@Nullable UUID ticketId, @Nullable Instant createdAt, @Nullable Instant resolvedAt) {
    }

    record Escalated(@Nullable UUID ticketId, @Nullable Instant escalatedAt) {
    }

    record SlaBreached(@Nullable UUID ticketId, @Nullable String target, @Nullable Instant detectedAt) {
    }

    @Bean
    Projection ticketProjection(Tickets tickets) {
        return new Projection("ticket")
                .on("ticket.ticket.created.v1", Created.class, (d, e) -> tickets.created(tenant(e), required(d.ticketId(), "ticketId", e),
                        d.conversationId(), required(d.createdAt(), "createdAt", e)))
                .on("ticket.ticket.resolved.v1", Resolved.class, (d, e) -> tickets.resolved(tenant(e), required(d.ticketId(), "ticketId", e),
                        d.createdAt(), required(d.resolvedAt(), "resolvedAt", e)))
                .on("ticket.ticket.escalated.v1", Escalated.class, (d, e) -> tickets.escalated(tenant(e), required(d.ticketId(), "ticketId", e),
                        required(d.escalatedAt(), "escalatedAt", e)))
                .on("ticket.ticket.sla-breached.v1", SlaBreached.class, (d, e) -> tickets.breached(tenant(e), required(d.ticketId(), "ticketId", e),
                        required(d.detectedAt(), "detectedAt", e)));
    }

    @Bean
    Consumer<Message<List<byte[]>>> ticketEvents(EventHandlers handlers, StoredEvents stored, Projection ticketProjection) {
        return ticketProjection.consumer(handlers, stored);
    }
}
