package io.kefu.ticket.events;

import java.time.Instant;
import java.util.UUID;

import io.kefu.common.event.EventType;

/**
 * A chat customer is (still) one of a provider's customers: linked by phone and SMS code or by a WeCom
 * employee adding them, or announced again because the customer moved to another provider (fact).
 * chat-service keeps its own record of it to bring the customer's consultations to that provider.
 *
 * @param customerId the provider's customer (ticket-service's client)
 * @param via        phone, wecom, or reassigned
 */
@EventType(value = "ticket.client.linked.v1", priority = 5)
public record ClientLinked(UUID customerId, UUID serviceProviderId, UUID chatCustomerId, String name, String via, Instant linkedAt) {
}
