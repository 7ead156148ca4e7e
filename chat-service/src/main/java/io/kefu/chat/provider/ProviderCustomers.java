package io.kefu.chat.provider;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * chat's record of which chat customers are which provider's customers (table {@code provider_customer}),
 * kept from ticket-service's {@code ticket.client.linked.v1}. ticket-service owns the link; this is a copy
 * that answers "may this provider read this customer's consultations" without a call.
 */
@Component
class ProviderCustomers {

    private final JdbcTemplate jdbc;

    ProviderCustomers(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Upsert: a later announcement (the customer moved to another provider) replaces the provider; an older one changes nothing. */
    void linked(UUID tenantId, UUID clientId, UUID chatCustomerId, UUID providerId, String name, Instant at) {
        jdbc.update("""
                insert into provider_customer (client_id, chat_customer_id, tenant_id, provider_id, client_name, linked_at)
                values (?, ?, ?, ?, ?, ?)
                on conflict (client_id, chat_customer_id) do update
                    set provider_id = excluded.provider_id, client_name = excluded.client_name, linked_at = excluded.linked_at
                    where provider_customer.linked_at <= excluded.linked_at""",
                clientId, chatCustomerId, tenantId, providerId, name.length() > 200 ? name.substring(0, 200) : name, Timestamp.from(at));
    }

    /** The chat customers of the provider's customer {@code clientId}; empty when it is not theirs (or unknown). */
    List<UUID> chatCustomersOf(UUID tenantId, UUID providerId, UUID clientId) {
        return jdbc.queryForList("select chat_customer_id from provider_customer where tenant_id = ? and provider_id = ? and client_id = ?",
                UUID.class, tenantId, providerId, clientId);
    }

    record Owner(UUID providerId, UUID clientId, String clientName) {
    }

    /** Which providers own this chat customer (as their customer), for bringing consultations to them live. */
    List<Owner> ownersOf(UUID tenantId, UUID chatCustomerId) {
        return jdbc.query("select provider_id, client_id, client_name from provider_customer where tenant_id = ? and chat_customer_id = ?",
                (rs, i) -> new Owner(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)), tenantId, chatCustomerId);
    }
}
