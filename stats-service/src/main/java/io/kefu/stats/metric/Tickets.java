package io.kefu.stats.metric;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import static io.kefu.stats.metric.ConversationFacts.coalesce;
import static io.kefu.stats.metric.ConversationFacts.greatest;
import static io.kefu.stats.metric.ConversationFacts.least;
import static io.kefu.stats.metric.ConversationFacts.micros;

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
    /** This transaction's events' changes to tickets, in the order the events ran. */
    private final Deferred<List<Change>> changes = new Deferred<>(20, ArrayList::new, this::applyAll);
    private final Measurements measurements;

    Tickets(JdbcClient jdbc, Measurements measurements) {
        this.jdbc = jdbc;
        this.measurements = measurements;
    }

    public void created(UUID tenant, UUID ticket, @Nullable UUID conversation, Instant at) {
        Instant created = micros(at);
        change(tenant, ticket, t -> {
            t.conversationId = coalesce(t.conversationId, conversation);
            t.createdAt = least(t.createdAt, created);
        });
    }

    /** The latest resolution counts (a ticket re-opened and resolved again is judged at its last resolution). */
    public void resolved(UUID tenant, UUID ticket, @Nullable Instant createdAt, Instant at) {
        Instant created = createdAt == null ? null : micros(createdAt);
        Instant resolved = micros(at);
        change(tenant, ticket, t -> {
            t.createdAt = coalesce(t.createdAt, created);
            t.resolvedAt = greatest(t.resolvedAt, resolved);
        });
    }

    public void breached(UUID tenant, UUID ticket, Instant detectedAt) {
        Instant detected = micros(detectedAt);
        change(tenant, ticket, t -> t.breachedAt = least(t.breachedAt, detected));
    }

    public void escalated(UUID tenant, UUID ticket, Instant at) {
        Instant escalated = micros(at);
        change(tenant, ticket, t -> t.escalatedAt = least(t.escalatedAt, escalated));
    }

    /** A ticket's row while its batch's events change it in memory (each change the counterpart of the SQL update it replaced). */
    private static final class TicketFacts {
        final UUID ticketId;
        final UUID tenantId;
        @Nullable UUID conversationId;
        @Nullable Instant createdAt;
        @Nullable Instant resolvedAt;
        @Nullable Instant breachedAt;
        @Nullable Instant escalatedAt;

        TicketFacts(UUID ticketId, UUID tenantId) {
            this.ticketId = ticketId;
            this.tenantId = tenantId;
        }

        TicketFacts(ResultSet rs) throws SQLException {
            ticketId = rs.getObject("ticket_id", UUID.class);
            tenantId = rs.getObject("tenant_id", UUID.class);
            conversationId = rs.getObject("conversation_id", UUID.class);
            createdAt = Conversations.at(rs, "created_at");
            resolvedAt = Conversations.at(rs, "resolved_at");
            breachedAt = Conversations.at(rs, "breached_at");
            escalatedAt = Conversations.at(rs, "escalated_at");
        }
    }

    private record Change(UUID tenant, UUID ticket, Consumer<TicketFacts> effect) {
    }

    private void change(UUID tenant, UUID ticket, Consumer<TicketFacts> effect) {
        changes.add(pending -> pending.add(new Change(tenant, ticket, effect)));
    }

    /**
     * The batch's tickets, just before its commit, as its conversations ({@link ConversationRows#lock}): a ticket stats has
     * not heard of is inserted with the values the batch's events give a blank row, by the statement that locks (in id
     * order) the others without writing them; those are read, the events applied to them in memory in the order they
     * ran, and written with one statement; then the tickets' figures are re-derived from the rows as the batch left them
     * and replaced with two.
     */
    private void applyAll(List<Change> pending) {
        if (pending.isEmpty()) {
            return;
        }
        Map<UUID, TicketFacts> asNew = new LinkedHashMap<>();
        pending.forEach(c -> c.effect().accept(asNew.computeIfAbsent(c.ticket(), id -> new TicketFacts(id, c.tenant()))));
        List<TicketFacts> fresh = List.copyOf(asNew.values());
        Set<UUID> inserted = new HashSet<>(jdbc.sql("insert into ticket (ticket_id, tenant_id, conversation_id, created_at, resolved_at, breached_at, "
                + "escalated_at)\nselect * from " + VALUES + "\norder by id on conflict (ticket_id) do update set tenant_id = excluded.tenant_id where false "
                + "returning ticket_id")
                .params(columns(fresh)).query(UUID.class).list());
        List<String> there = asNew.keySet().stream().filter(t -> !inserted.contains(t)).map(UUID::toString).toList();
        List<TicketFacts> changed = new ArrayList<>();
        if (!there.isEmpty()) {
            Map<UUID, TicketFacts> rows = new LinkedHashMap<>();
            jdbc.sql("select ticket_id, tenant_id, conversation_id, created_at, resolved_at, breached_at, escalated_at from ticket where ticket_id = any(?::uuid[])")
                    .param(Measurements.array(there))
                    .query((rs, i) -> rows.put(rs.getObject("ticket_id", UUID.class), new TicketFacts(rs)))
                    .list();
            pending.stream().filter(c -> rows.containsKey(c.ticket())).forEach(c -> c.effect().accept(rows.get(c.ticket())));
            changed.addAll(rows.values());
            asNew.putAll(rows);
            jdbc.sql("update ticket t set conversation_id = v.c, created_at = v.cr, resolved_at = v.r, breached_at = v.b, escalated_at = v.e\nfrom "
                    + VALUES + "\nwhere t.ticket_id = v.id").params(columns(changed)).update();
        }
        // a ticket inserted now has no figures stored
        measurements.replaceKeyed(METRICS, asNew.values().stream().map(t -> measures(t.ticketId, t.tenantId, t.conversationId, t.createdAt,
                t.resolvedAt, t.breachedAt, t.escalatedAt, !inserted.contains(t.ticketId))).toList());
    }

    /** Ticket rows as one array per column. */
    private static final String VALUES = """
            unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[]) as v(id, t, c, cr, r, b, e)""";

    private static Object[] columns(List<TicketFacts> all) {
        return new Object[] {Measurements.array(all.stream().map(t -> t.ticketId.toString()).toList()),
                Measurements.array(all.stream().map(t -> t.tenantId.toString()).toList()),
                Measurements.array(all.stream().map(t -> str(t.conversationId)).toList()),
                Measurements.array(all.stream().map(t -> str(t.createdAt)).toList()),
                Measurements.array(all.stream().map(t -> str(t.resolvedAt)).toList()),
                Measurements.array(all.stream().map(t -> str(t.breachedAt)).toList()),
                Measurements.array(all.stream().map(t -> str(t.escalatedAt)).toList())};
    }

    private static @Nullable String str(@Nullable Object value) {
        return value == null ? null : value.toString();
    }

    private static Measurements.KeyedMeasures measures(UUID ticket, UUID tenant, @Nullable UUID conversation, @Nullable Instant created,
            @Nullable Instant resolved, @Nullable Instant breached, @Nullable Instant escalated, boolean stored) {
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
        return new Measurements.KeyedMeasures(tenant, key, out, stored);
    }
}
