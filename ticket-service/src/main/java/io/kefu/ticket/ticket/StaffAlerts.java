package io.kefu.ticket.ticket;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.remote.RemoteCalls;
import io.kefu.ticket.client.Clients;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Tells the tenant's support staff that a ticket was handed to them (by the provider, from a conversation,
 * or automatically on an SLA breach) or that an escalated ticket missed another target: one push-service
 * message per staff member (their WeCom userid), enqueued as a remote call ({@link StaffAlertCall}) in the
 * transaction that escalates or records the breach, and made after its commit. The call's key is the
 * ticket, what happened and the staff member, so the same escalation or breach never alerts anyone twice
 * however often the job runs or an event is redelivered; push-service's {@code Idempotency-Key} (the same
 * key) covers a call made again after its outcome was lost.
 */
@Component
class StaffAlerts {

    private final JdbcClient jdbc;
    private final RemoteCalls remoteCalls;
    private final StaffAlertCall call;
    private final Clients clients;
    private final LiveProperties<StaffAlertProperties> properties;

    StaffAlerts(JdbcClient jdbc, RemoteCalls remoteCalls, StaffAlertCall call, Clients clients,
            LiveProperties<StaffAlertProperties> properties) {
        this.jdbc = jdbc;
        this.remoteCalls = remoteCalls;
        this.call = call;
        this.clients = clients;
        this.properties = properties;
    }

    /** The ticket was escalated to the support staff; returns the alerts enqueued. */
    int escalated(Ticket ticket, String reason, boolean automatic) {
        return alert(ticket, "escalated", automatic ? "工单自动升级" : "工单升级", reason);
    }

    /** An escalated ticket missed another SLA target ({@code first_response} or {@code resolution}). */
    int breached(Ticket ticket, String target, long goalMinutes) {
        return alert(ticket, "sla-" + target, "工单 SLA 超时", "SLA " + target + " 超时（目标 " + goalMinutes + " 分钟）");
    }

    private int alert(Ticket ticket, String what, String event, String reason) {
        StaffAlertProperties p = properties.get();
        String tenant = ticket.tenantId.toString();
        UUID template = p.templates().get(tenant);
        if (template == null) {
            return 0;
        }
        List<Recipient> staff = recipients(ticket.tenantId, p.departments().get(tenant), p.maxRecipients());
        String customer = ticket.clientId == null ? null : clients.nameOf(ticket.tenantId, ticket.clientId);
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("event", event);
        variables.put("title", Tickets.abbreviate(ticket.title));
        variables.put("customer", customer == null ? "-" : customer);
        variables.put("reason", Tickets.abbreviate(reason));
        variables.put("ticketId", ticket.id.toString());
        int enqueued = 0;
        for (Recipient r : staff) {
            String key = what + ":" + ticket.id + ":" + r.staffId();
            if (remoteCalls.enqueue(call, key, new StaffAlertCall.Alert(ticket.tenantId, template, r.wecomUserId(), variables,
                    p.priority(), key))) {
                enqueued++;
            }
        }
        return enqueued;
    }

    record Recipient(UUID staffId, String wecomUserId) {
    }

    private List<Recipient> recipients(UUID tenantId, @Nullable String department, int max) {
        return jdbc.sql("""
                select id, wecom_user_id from staff
                where tenant_id = ? and active and wecom_user_id is not null and (cast(? as varchar) is null or department = ?)
                order by id limit ?""")
                .params(tenantId, department, department, max)
                .query((rs, i) -> new Recipient(rs.getObject(1, UUID.class), rs.getString(2))).list();
    }
}
