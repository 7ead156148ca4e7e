package io.kefu.ticket.ticket;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface HistoryRepository extends JpaRepository<TicketHistory, UUID> {

    List<TicketHistory> findByTicketIdOrderByAtAscIdAsc(UUID ticketId);
}
