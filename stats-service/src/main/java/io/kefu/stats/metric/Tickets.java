package io.kefu.stats.metric;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * ticket-service's facts. A ticket's figures are re-derived from its row on every event about it: opened at
 * its creation, escalated at its (first) escalation, and, once resolved, one SLA observation at the
 * resolution — met (good) unless ticket-service reported a missed target (first response or resolution)
 * detected no later than the resolution. A breach reported after the resolution event arrived still
 * turns it into "missed": the queue does not promise order.
 */
@Component
public class Tickets {

    static final Set<Metric> METRICS = Set.of(Metric.TICKET_OPENED, Metric.TICKET_RESOLVED, Metric.TICKET_ESCALATED);

    private final JdbcClient jdbc;
    private final Deferred<Set<UUID>> dirty = new Deferred<>(20, LinkedHashSet::new, this::refreshAll);
    private final Measurements measurements;

    Tickets(JdbcClient jdbc, Measurements measurements) {
        this.jdbc = jdbc;
        this.measurements = measurements;
    }

    public void created(UUID tenant, UUID ticket, @Nullable UUID conversation, Instant at) {
        jdbc.sql(ENSURE + "update ticket set conversation_id = coalesce(conversation_id, ?), created_at = least(created_at, ?) where ticket_id = ?")
                .params(ticket, tenant, conversation, ts(at), ticket).update();
        refresh(tenant, ticket);
    }

    /** The latest resolution counts (a ticket re-opened and resolved again is judged at its last resolution). */
    public void resolved(UUID tenant, UUID ticket, @Nullable Instant createdAt, Instant at) {
        jdbc.sql(ENSURE + "update ticket set created_at = coalesce(created_at, ?), resolved_at = greatest(resolved_at, ?) where ticket_id = ?")
                .params(ticket, tenant, createdAt == null ? null : ts(createdAt), ts(at), ticket).update();
        refresh(tenant, ticket);
    }

    public void breached(UUID tenant, UUID ticket, Instant detectedAt) {
        jdbc.sql(ENSURE + "update ticket set breached_at = least(breached_at, ?) where ticket_id = ?")
                .params(ticket, tenant, ts(detectedAt), ticket).update();
        refresh(tenant, ticket);
    }

    public void escalated(UUID tenant, UUID ticket, Instant at) {
        jdbc.sql(ENSURE + "update ticket set escalated_at = least(escalated_at, ?) where ticket_id = ?")
                .params(ticket, tenant, ts(at), ticket).update();
        refresh(tenant, ticket);
    }

    /** Creates the ticket's row bare if stats has not heard of it, in the round trip of the change it prefixes (pgjdbc sends both at once). */
    private static final String ENSURE = "insert into ticket (ticket_id, tenant_id) values (?, ?) on conflict do nothing;\n";

    /** A ticket's figures are re-derived once per batch, just before its commit, from its row as the batch left it. */
    private void refresh(UUID tenant, UUID ticket) {
        dirty.add(pending -> pending.add(ticket));
    }

    private void refreshAll(Set<UUID> tickets) {
        if (tickets.isEmpty()) {
            return;
        }
        List<Measurements.KeyedMeasures> all = jdbc.sql("""
                select ticket_id, tenant_id, conversation_id, created_at, resolved_at, breached_at, escalated_at from ticket
                where ticket_id = any(?::uuid[]) order by ticket_id for update""")
                .param(Measurements.array(tickets.stream().map(UUID::toString).toList()))
                .query((rs, i) -> measures(rs.getObject("ticket_id", UUID.class), rs.getObject("tenant_id", UUID.class),
                        rs.getObject("conversation_id", UUID.class), Conversations.at(rs, "created_at"), Conversations.at(rs, "resolved_at"),
                        Conversations.at(rs, "breached_at"), Conversations.at(rs, "escalated_at")))
                .list();
        measurements.replaceKeyed(METRICS, all);
    }

    private static Measurements.KeyedMeasures measures(UUID ticket, UUID tenant, @Nullable UUID conversation, @Nullable Instant created,
            @Nullable Instant resolved, @Nullable Instant breached, @Nullable Instant escalated) {
        String key = ticket.toString();
        List<Measure> out = new ArrayList<>();
        if (created != null) {
            out.add(new Measure(Metric.TICKET_OPENED, key, created, 1, false, conversation, null, null, null));
        }
        if (escalated != null) {
            out.add(new Measure(Metric.TICKET_ESCALATED, key, escalated, 1, false, conversation, null, null, null));
        }
        if (resolved != null) {
            boolean met = breached == null || breached.isAfter(resolved);
            double seconds = created == null ? 0 : ConversationMeasures.seconds(created, resolved);
            out.add(new Measure(Metric.TICKET_RESOLVED, key, resolved, seconds, met, conversation, null, null, null));
        }
        return new Measurements.KeyedMeasures(tenant, key, out);
    }

    private static Timestamp ts(Instant at) {
        return Timestamp.from(at);
    }
}
