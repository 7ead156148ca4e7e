package io.kefu.ticket.ticket;

import java.util.Optional;
import java.util.UUID;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface TicketRepository extends JpaRepository<Ticket, UUID> {

    Optional<Ticket> findByIdAndTenantId(UUID id, UUID tenantId);

    Optional<Ticket> findByConversationId(UUID conversationId);

    /** Whether the chat customer is linked to the provider's customer (table client_link, package linking). */
    @Query(value = "select exists (select 1 from client_link where client_id = ?1 and chat_customer_id = ?2)", nativeQuery = true)
    boolean linked(UUID clientId, UUID chatCustomerId);

    /** The provider's customers the chat customer is linked to. */
    @Query(value = "select client_id from client_link where tenant_id = ?1 and chat_customer_id = ?2", nativeQuery = true)
    List<UUID> linkedClients(UUID tenantId, UUID chatCustomerId);
}
