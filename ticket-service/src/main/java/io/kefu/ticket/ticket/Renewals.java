package io.kefu.ticket.ticket;

import java.util.UUID;

import io.kefu.common.event.EventPublisher;
import io.kefu.ticket.client.Clients;
import io.kefu.ticket.client.Clients.Expiring;
import io.kefu.ticket.events.ClientExpiring;
import io.kefu.ticket.notice.NoticeType;
import io.kefu.ticket.notice.Notices;
import io.kefu.ticket.provider.Providers;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Ahead of a licence's expiry: a customer alert in the provider's message center and a
 * {@code renewal_question} ticket, once per expiry date. The claim (Clients#claimRenewals), the
 * ticket, the message and the event share one transaction: all happen once, or none and the next
 * run tries again.
 */
@Component
class Renewals {

    private final Clients clients;
    private final Tickets tickets;
    private final Providers providers;
    private final Notices notices;
    private final EventPublisher events;

    Renewals(Clients clients, Tickets tickets, Providers providers, Notices notices, EventPublisher events) {
        this.clients = clients;
        this.tickets = tickets;
        this.providers = providers;
        this.notices = notices;
        this.events = events;
    }

    @Transactional
    public int raise() {
        int raised = 0;
        for (Expiring e : clients.claimRenewals()) {
            var c = e.client();
            String title = "续费提醒：" + c.name() + " 的授权将于 " + e.expiryDate() + " 到期";
            Ticket ticket = Ticket.open(new Ticket.Draft(c.tenantId(), c.providerId(), c.id(), null, null, title,
                    "客户 " + c.name() + " 的软件授权还有 " + e.daysLeft() + " 天到期（" + e.expiryDate() + "），请联系客户确认续费。",
                    TicketType.RENEWAL_QUESTION, TicketPriority.NORMAL, c.providerId(), providers.nameOf(c.tenantId(), c.providerId()), null,
                    null), Operator.SYSTEM, tickets.now());
            UUID ticketId = tickets.opened(ticket, Operator.SYSTEM, "renewal");
            notices.tell(c.tenantId(), c.providerId(), NoticeType.CUSTOMER_ALERT, "客户即将到期：" + c.name(),
                    "授权将于 " + e.expiryDate() + " 到期（还有 " + e.daysLeft() + " 天），已创建续费工单。", c.id(), c.name(), ticketId);
            events.publish(new ClientExpiring(c.id(), c.providerId(), c.name(), e.expiryDate(), e.daysLeft(), ticketId, tickets.now()),
                    c.tenantId().toString(), c.id().toString());
            raised++;
        }
        return raised;
    }
}
