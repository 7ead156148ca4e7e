package io.kefu.ticket.events;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import io.kefu.common.event.EventPublisher;
import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** ticket-service's events have the shape of their committed samples, which consumers test against. */
class TicketEventContractsTest {

    static final Path CONTRACTS = Path.of("contracts/events");
    final UUID id = UUID.randomUUID();
    final Instant now = Instant.now();

    @Test
    void ticketEventsMatchTheirSamples() {
        EventContracts.assertMatchesSample(new TicketCreated(id, id, id, id, id, "system_issue", "normal", "t", "api", now),
                "ticket.ticket.created.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new TicketReplied(id, id, id, id, "provider", "c", "processing", now), "ticket.ticket.replied.v1",
                CONTRACTS);
        EventContracts.assertMatchesSample(new TicketEscalated(id, id, id, "t", "system_issue", "r", false, id, now),
                "ticket.ticket.escalated.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new TicketResolved(id, id, id, id, "provider", now, now), "ticket.ticket.resolved.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new TicketSlaBreached(id, id, "system_issue", "normal", "first_response", 240, 245, now),
                "ticket.ticket.sla-breached.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new TicketRated(id, id, id, 4, "ok", now), "ticket.ticket.rated.v1", CONTRACTS);
    }

    @Test
    void clientAndNoticeEventsMatchTheirSamples() {
        EventContracts.assertMatchesSample(new ClientExpiring(id, id, "n", LocalDate.now(), 21, id, now), "ticket.client.expiring.v1",
                CONTRACTS);
        EventContracts.assertMatchesSample(new ClientLinked(id, id, id, "n", "phone", now), "ticket.client.linked.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new NoticeCreated(id, id, "ticket_update", "t", id, id, now), "ticket.notice.created.v1", CONTRACTS);
        EventContracts.assertMatchesSample(new StaffCommandAnswered("ww1", 1000002, "zhangsan", id, "记录客户", "done", "recorded", "ok", id,
                "wecom:1", now), "ticket.staff-command.answered.v1", CONTRACTS);
    }

    @Test
    void prioritiesAreDeclaredOnTheTypes() {
        assertThat(EventPublisher.priorityOf(new TicketEscalated(id, id, id, "t", "x", "r", true, null, now))).isEqualTo(7);
        assertThat(EventPublisher.priorityOf(new TicketRated(id, id, id, 4, null, now))).isEqualTo(3);
    }
}
