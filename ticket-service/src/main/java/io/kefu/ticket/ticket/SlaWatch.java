package io.kefu.ticket.ticket;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kefu.common.event.EventPublisher;
import io.kefu.ticket.events.TicketSlaBreached;
import io.kefu.ticket.sla.SlaClock;
import io.kefu.ticket.sla.SlaPolicy;
import io.kefu.ticket.sla.SlaTarget;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Finds open tickets past an SLA target, records the breach once per target (history, event, the
 * provider's message, the support staff's alerts) and escalates the ticket to the support staff if it was not already. Tickets
 * are read with {@code for update skip locked} in the transaction that changes them, so two runs at
 * once split the work instead of doubling it; the breach flags make a re-run a no-op.
 */
@Component
class SlaWatch {

    private final JdbcClient jdbc;
    private final TicketRepository repository;
    private final HistoryRepository history;
    private final Tickets tickets;
    private final SlaPolicy sla;
    private final EventPublisher events;
    private final StaffAlerts alerts;

    SlaWatch(JdbcClient jdbc, TicketRepository repository, HistoryRepository history, Tickets tickets, SlaPolicy sla, EventPublisher events,
            StaffAlerts alerts) {
        this.jdbc = jdbc;
        this.repository = repository;
        this.history = history;
        this.tickets = tickets;
        this.sla = sla;
        this.events = events;
        this.alerts = alerts;
    }

    /** One batch; returns the breaches recorded. */
    @Transactional
    public int check() {
        List<UUID> ids = jdbc.sql("""
                select id from ticket where status in ('open', 'processing') and not (first_response_breached and resolution_breached)
                order by sla_started_at limit ? for update skip locked""").param(sla.batchSize()).query(UUID.class).list();
        int breaches = 0;
        Instant now = tickets.now();
        for (Ticket t : repository.findAllById(ids)) {
            SlaTarget target = sla.target(t.type.wire(), t.priority.wire());
            SlaClock clock = sla.clock(t.tenantId);
            SlaClock.Reading reading = clock.read(t.slaStartedAt, Duration.ofSeconds(t.pausedSeconds), t.waitingSince, t.firstResponseAt,
                    null, target);
            if (reading.firstResponseBreached() && !t.firstResponseBreached) {
                breaches += breach(t, "first_response", reading.firstResponseElapsed(), target.firstResponse(), now);
            }
            if (reading.resolutionBreached() && !t.resolutionBreached) {
                breaches += breach(t, "resolution", reading.resolutionElapsed(), target.resolution(), now);
            }
        }
        return breaches;
    }

    private int breach(Ticket t, String target, Duration elapsed, Duration goal, Instant now) {
        TicketHistory step = t.breached(target, elapsed, goal, now);
        if (step == null) {
            return 0;
        }
        history.save(step);
        events.publish(new TicketSlaBreached(t.id, t.providerId, t.type.wire(), t.priority.wire(), target, goal.toMinutes(),
                elapsed.toMinutes(), now), t.tenantId.toString(), t.id.toString());
        if (!t.isEscalated()) {
            tickets.escalate(t, Operator.SYSTEM, "SLA " + target + " 超时（目标 " + goal.toMinutes() + " 分钟）", true);
        } else {
            // Escalated before: the staff who have it hear of the missed target (escalating alerts them otherwise).
            alerts.breached(t, target, goal.toMinutes());
            tickets.tell(t, "工单 SLA 超时：" + t.title, target + " 已超过目标 " + goal.toMinutes() + " 分钟。");
        }
        return 1;
    }
}
