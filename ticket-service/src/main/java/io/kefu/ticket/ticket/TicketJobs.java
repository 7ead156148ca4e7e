package io.kefu.ticket.ticket;

import java.time.Instant;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.kefu.ticket.client.Clients;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * ticket-service's scheduled work. Each handler is idempotent and safe on several instances: statuses
 * are set by one conditional statement, renewals are claimed by a conditional update of rows locked
 * with skip-locked, SLA breaches are flagged once per target, and closing only moves resolved tickets.
 */
@Component
class TicketJobs {

    private final Clients clients;
    private final Renewals renewals;
    private final SlaWatch slaWatch;
    private final JdbcClient jdbc;
    private final LiveProperties<TicketProperties> properties;
    private final Tickets tickets;

    TicketJobs(Clients clients, Renewals renewals, SlaWatch slaWatch, JdbcClient jdbc, LiveProperties<TicketProperties> properties,
            Tickets tickets) {
        this.clients = clients;
        this.renewals = renewals;
        this.slaWatch = slaWatch;
        this.jdbc = jdbc;
        this.properties = properties;
        this.tickets = tickets;
    }

    /** Daily: licence statuses follow the date; customers entering the notice window get an alert and a renewal ticket, once. */
    @XxlJob("ticket-client-expiry")
    public int clientExpiry() {
        int moved = clients.refreshStatuses();
        int raised = renewals.raise();
        XxlJobHelper.log("statuses moved " + moved + ", renewal alerts " + raised);
        return moved + raised;
    }

    /** Every minute: open tickets past their SLA targets are flagged, escalated and reported. */
    @XxlJob("ticket-sla-check")
    public int slaCheck() {
        int breaches = slaWatch.check();
        XxlJobHelper.log("breaches " + breaches);
        return breaches;
    }

    /** Resolved tickets quiet for closeAfter are closed, with a history step each (one statement). */
    @XxlJob("ticket-auto-close")
    public int autoClose() {
        TicketProperties p = properties.get();
        Instant now = tickets.now();
        int closed = jdbc.sql("""
                with closed as (
                    update ticket set status = 'closed', closed_at = ?, updated_at = ?, version = version + 1
                    where id in (select id from ticket where status = 'resolved' and updated_at < ? order by updated_at limit ?
                                 for update skip locked)
                    returning id)
                insert into ticket_history (id, ticket_id, operator_id, operator_name, operator_type, action, content, at)
                select gen_random_uuid(), id, null, '系统', 'system', 'closed', ?, ? from closed""")
                .params(java.sql.Timestamp.from(now), java.sql.Timestamp.from(now), java.sql.Timestamp.from(now.minus(p.closeAfter())),
                        p.batchSize(), "resolved with no change for " + p.closeAfter().toHours() + " h", java.sql.Timestamp.from(now))
                .update();
        XxlJobHelper.log("closed " + closed);
        return closed;
    }
}
