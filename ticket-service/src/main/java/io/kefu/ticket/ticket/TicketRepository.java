package io.kefu.ticket.ticket;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface TicketRepository extends JpaRepository<Ticket, UUID> {

    Optional<Ticket> findByIdAndTenantId(UUID id, UUID tenantId);

    Optional<Ticket> findByConversationId(UUID conversationId);
}
