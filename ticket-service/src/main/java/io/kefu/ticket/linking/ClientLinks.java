package io.kefu.ticket.linking;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kefu.common.event.EventPublisher;
import io.kefu.ticket.client.Clients.ProviderChanged;
import io.kefu.ticket.events.ClientLinked;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Links between chat customers and a provider's customers (table {@code client_link}). A link is made
 * once ({@code ticket.client.linked.v1} then, in the same transaction); it also gives the chat customer
 * the customer's projects that had no chat customer yet, so they see them from the mini-program.
 */
@Component
public class ClientLinks {

    /** A provider's customer as the linked chat customer sees it. */
    public record Linked(UUID customerId, String name, UUID serviceProviderId, @Nullable String serviceProviderName, String via,
            Instant linkedAt) {
    }

    record Candidate(UUID id, UUID providerId, String name) {
    }

    private final JdbcClient jdbc;
    private final EventPublisher events;
    private final Clock clock;

    ClientLinks(JdbcClient jdbc, EventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
    }

    /** The tenant's customers whose phone is this number (digits compared, a +86 prefix ignored). */
    List<Candidate> byPhone(UUID tenantId, String digits) {
        return jdbc.sql("""
                        select id, provider_id, name from client
                        where tenant_id = ? and phone is not null and right(regexp_replace(phone, '[^0-9]', '', 'g'), 11) = ?
                        order by created_at""")
                .params(tenantId, digits).query((rs, i) -> new Candidate(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3))).list();
    }

    /** Links each candidate to the chat customer; those linked already stay as they are. Joins the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    int link(UUID tenantId, UUID chatCustomerId, List<Candidate> candidates, String via) {
        Instant now = clock.instant();
        int made = 0;
        for (Candidate c : candidates) {
            int inserted = jdbc.sql("""
                            insert into client_link (client_id, chat_customer_id, tenant_id, via, linked_at) values (?, ?, ?, ?, ?)
                            on conflict (client_id, chat_customer_id) do nothing""")
                    .params(c.id(), chatCustomerId, tenantId, via, Timestamp.from(now)).update();
            if (inserted == 0) {
                continue;
            }
            made++;
            jdbc.sql("update project set chat_customer_id = ?, updated_at = ? where tenant_id = ? and chat_customer_id is null "
                    + "and (client_id = ? or right(regexp_replace(phone, '[^0-9]', '', 'g'), 11) = "
                    + "(select right(regexp_replace(phone, '[^0-9]', '', 'g'), 11) from client where id = ?))")
                    .params(chatCustomerId, Timestamp.from(now), tenantId, c.id(), c.id()).update();
            events.publish(new ClientLinked(c.id(), c.providerId(), chatCustomerId, c.name(), via, now), tenantId.toString(),
                    c.id().toString());
        }
        return made;
    }

    /** A linked customer moved to another provider: chat must bring their consultations to the new one. */
    @EventListener
    void on(ProviderChanged changed) {
        Instant now = clock.instant();
        List<UUID> chatCustomers = jdbc.sql("select chat_customer_id from client_link where client_id = ?").param(changed.clientId())
                .query(UUID.class).list();
        for (UUID chatCustomer : chatCustomers) {
            events.publish(new ClientLinked(changed.clientId(), changed.providerId(), chatCustomer, changed.name(), "reassigned", now),
                    changed.tenantId().toString(), changed.clientId().toString());
        }
    }

    /** The chat customer's links, newest first. */
    @Transactional(readOnly = true)
    public List<Linked> of(UUID tenantId, UUID chatCustomerId) {
        return jdbc.sql("""
                        select l.client_id, c.name, c.provider_id, p.name as provider_name, l.via, l.linked_at
                        from client_link l join client c on c.id = l.client_id left join provider p on p.id = c.provider_id
                        where l.tenant_id = ? and l.chat_customer_id = ? order by l.linked_at desc""")
                .params(tenantId, chatCustomerId)
                .query((rs, i) -> new Linked(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class), rs.getString(4),
                        rs.getString(5), rs.getTimestamp(6).toInstant())).list();
    }
}
