package io.kefu.stats.metric;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsProperties;
import io.kefu.stats.metric.ConversationRow.HumanReply;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import static io.kefu.stats.metric.ConversationFacts.coalesce;
import static io.kefu.stats.metric.ConversationFacts.greatest;
import static io.kefu.stats.metric.ConversationFacts.least;
import static io.kefu.stats.metric.ConversationFacts.micros;

/**
 * The conversation facts, fed by the ingest consumers (inside their inbox transaction). Each change
 * keeps the first (or last, where the dictionary says so) timestamp whatever order events arrive in,
 * then re-derives the conversation's measures ({@link ConversationMeasures}) and replaces them. An event's
 * change is staged and applied with its batch's others just before the commit ({@link #applyAll}): no
 * round trip per event.
 */
@Component
public class Conversations {

    private final JdbcClient jdbc;
    private final Measurements measurements;
    private final ApplicationEventPublisher spring;
    private final LiveProperties<StatsProperties> properties;
    private final ConversationRows rows;

    /** This transaction's events' changes to conversations, in the order the events ran. */
    private final Deferred<List<Change>> changes = new Deferred<>(30, ArrayList::new, this::applyAll);

    Conversations(JdbcClient jdbc, Measurements measurements, ApplicationEventPublisher spring, LiveProperties<StatsProperties> properties,
            ConversationRows rows) {
        this.jdbc = jdbc;
        this.rows = rows;
        this.properties = properties;
        this.measurements = measurements;
        this.spring = spring;
    }

    public void opened(UUID tenant, UUID conversation, @Nullable UUID customer, @Nullable String channel, Instant startedAt) {
        Instant at = micros(startedAt);
        change(tenant, conversation, c -> {
            boolean reopening = c.endedAt != null && at.isAfter(c.endedAt);
            c.customerId = coalesce(c.customerId, customer);
            c.channel = coalesce(c.channel, channel);
            c.reopenedAt = reopening ? least(c.reopenedAt, at) : c.reopenedAt;
            c.openedAt = reopening ? c.openedAt : least(c.openedAt, at);
        });
    }

    public void aiRequested(UUID tenant, UUID conversation, @Nullable UUID customer, Instant at) {
        Instant requested = micros(at);
        change(tenant, conversation, c -> {
            c.customerId = coalesce(c.customerId, customer);
            c.aiRequestedAt = least(c.aiRequestedAt, requested);
        });
    }

    /** kb-ai handed the conversation to a person (the first time counts). */
    public void aiHandedOff(UUID tenant, UUID conversation, @Nullable UUID customer, Instant at) {
        Instant handedOff = micros(at);
        change(tenant, conversation, c -> {
            c.customerId = coalesce(c.customerId, customer);
            c.aiHandedOffAt = least(c.aiHandedOffAt, handedOff);
        });
    }

    public void queued(UUID tenant, UUID conversation, @Nullable UUID customer, @Nullable String group, Instant enqueuedAt) {
        Instant at = micros(enqueuedAt);
        change(tenant, conversation, c -> {
            c.customerId = coalesce(c.customerId, customer);
            c.groupName = coalesce(group, c.groupName);
            c.queuedAt = least(c.queuedAt, at);
        });
    }

    public void assigned(UUID tenant, UUID conversation, @Nullable UUID customer, UUID agent, @Nullable String group, @Nullable Long waitedSeconds,
            Instant assignedAt) {
        Instant at = micros(assignedAt);
        change(tenant, conversation, c -> {
            c.customerId = coalesce(c.customerId, customer);
            c.groupName = coalesce(group, c.groupName);
            c.agentId = c.assignedAt == null || !at.isBefore(c.assignedAt) ? agent : c.agentId;
            c.waitedSeconds = c.assignedAt == null || at.isBefore(c.assignedAt) ? waitedSeconds : c.waitedSeconds;
            c.assignedAt = least(c.assignedAt, at);
        });
    }

    public void transferred(UUID tenant, UUID conversation, @Nullable UUID toAgent, @Nullable String toGroup) {
        change(tenant, conversation, c -> {
            c.agentId = coalesce(toAgent, c.agentId);
            c.groupName = coalesce(toGroup, c.groupName);
        });
    }

    public void humanReplied(UUID tenant, UUID conversation, UUID messageId, @Nullable UUID agent, Instant at) {
        stage(new Change(tenant, conversation, null, new HumanReply(messageId, agent, micros(at)), null));
    }

    public void ended(UUID tenant, UUID conversation, @Nullable UUID customer, @Nullable UUID agent, @Nullable String reason,
            @Nullable Instant startedAt, Instant endedAt) {
        Instant started = startedAt == null ? null : micros(startedAt);
        Instant ended = micros(endedAt);
        change(tenant, conversation, c -> {
            boolean latest = c.endedAt == null || !ended.isBefore(c.endedAt);
            c.customerId = coalesce(c.customerId, customer);
            c.openedAt = coalesce(c.openedAt, started);
            c.endedAgentId = latest ? coalesce(agent, c.endedAgentId) : c.endedAgentId;
            c.endedReason = latest ? reason : c.endedReason;
            c.endedAt = greatest(c.endedAt, ended);
        });
    }

    public void rated(UUID tenant, UUID conversation, @Nullable UUID agent, int rating, Instant ratedAt) {
        Instant at = micros(ratedAt);
        change(tenant, conversation, c -> {
            boolean latest = c.ratedAt == null || !at.isBefore(c.ratedAt);
            c.rating = latest ? rating : c.rating;
            c.ratedAgentId = latest ? agent : c.ratedAgentId;
            c.ratedAt = greatest(c.ratedAt, at);
        });
    }

    /** An observation keyed by an event that takes the conversation's group and channel (a KB answer, an AI question). */
    @FunctionalInterface
    public interface Observation {
        Measure at(@Nullable String group, @Nullable String channel);
    }

    /**
     * Records an observation with the conversation's group and channel as its row stands at this event of the batch, read
     * under the row's lock (held to the end of the transaction; the row is created bare if stats has not heard of it): the
     * transaction of another queue's batch that gives the conversation its channel or group either committed before (seen
     * here) or waits for this one (and its alignment then sees this observation). Without the lock the two could miss
     * each other.
     */
    public void measure(UUID tenant, UUID conversation, Observation observation) {
        stage(new Change(tenant, conversation, null, null, observation));
    }

    /** Deletes what stats derived of a tenant's conversations and agents (before replaying its stored events). */
    public void forgetTenant(UUID tenant) {
        jdbc.sql("delete from human_reply where conversation_id in (select conversation_id from conversation where tenant_id = ?)").param(tenant)
                .update();
        jdbc.sql("delete from conversation where tenant_id = ?").param(tenant).update();
        jdbc.sql("delete from agent where tenant_id = ?").param(tenant).update();
        jdbc.sql("delete from measurement where tenant_id = ?").param(tenant).update();
        jdbc.sql("delete from ticket where tenant_id = ?").param(tenant).update();
        jdbc.sql("delete from push_message where tenant_id = ?").param(tenant).update();
        jdbc.sql("delete from tenant_hours where tenant_id = ?").param(tenant).update();
    }

    /**
     * auth told the tenant's business hours (its full config, versioned): the latest version is kept, a stale or
     * redelivered one changes nothing. Conversations already measured keep their values until their next event
     * (or a replay of the tenant, which applies the events in the order they were stored).
     */
    public void tenantHours(UUID tenant, @Nullable String hours, long version) {
        // conversations changed before the hours (a replay runs a tenant's events in one transaction) are measured with the old ones
        measurements.flushRecorded();
        changes.flushNow();
        jdbc.sql("""
                insert into tenant_hours (tenant_id, business_hours, version) values (?, ?, ?)
                on conflict (tenant_id) do update set business_hours = excluded.business_hours, version = excluded.version
                where tenant_hours.version < excluded.version""")
                .params(tenant, hours == null || hours.isBlank() ? null : hours.strip(), version).update();
    }

    /**
     * An event's change to a conversation: to its row (applied in memory), a human reply, or an observation taking the
     * row's dimensions. A change to the row or a reply re-derives the conversation's measures.
     */
    private record Change(UUID tenant, UUID conversation, @Nullable Consumer<ConversationFacts> effect, @Nullable HumanReply reply,
            @Nullable Observation observation) {

        boolean derives() {
            return effect != null || reply != null;
        }
    }

    private void change(UUID tenant, UUID conversation, Consumer<ConversationFacts> effect) {
        stage(new Change(tenant, conversation, effect, null, null));
    }

    private void stage(Change change) {
        changes.add(pending -> pending.add(change));
    }

    /**
     * The batch's changes, just before its commit: applied first to blank rows, the values a conversation stats has not
     * heard of is inserted with, by the statement that locks the others ({@link ConversationRows#lock}); those are read,
     * the changes applied to them in memory in the order the events ran (each the exact counterpart of the per-event
     * {@code update} it replaces) and written with one statement; the replies added and read with one; and the measures
     * re-derived from the rows as the batch left them ({@link ConversationMeasures} is a pure function of the row, so
     * once at the end gives what once per event gave) and replaced with three statements.
     */
    private void applyAll(List<Change> pending) {
        if (pending.isEmpty()) {
            return;
        }
        Map<UUID, ConversationFacts> asNew = new LinkedHashMap<>();
        for (Change c : pending) {
            ConversationFacts facts = asNew.computeIfAbsent(c.conversation(), id -> ConversationFacts.blank(id, c.tenant()));
            if (c.effect() != null) {
                c.effect().accept(facts);
            }
        }
        Map<UUID, ConversationRows.Locked> locked = rows.lock(asNew.values());
        Set<UUID> changed = new HashSet<>();
        Set<UUID> derive = new HashSet<>();
        Set<UUID> observedOf = new HashSet<>();
        List<ConversationRows.Reply> replies = new ArrayList<>();
        List<Map.Entry<UUID, Measure>> observed = new ArrayList<>();
        for (Change c : pending) {
            ConversationFacts facts = locked.get(c.conversation()).facts();
            if (c.effect() != null) {
                c.effect().accept(facts);
                changed.add(c.conversation());
            }
            if (c.reply() != null) {
                replies.add(new ConversationRows.Reply(c.conversation(), c.reply()));
            }
            if (c.observation() != null) {
                observed.add(Map.entry(c.tenant(), c.observation().at(facts.groupName, facts.channel)));
                observedOf.add(c.conversation());
            }
            if (c.derives()) {
                derive.add(c.conversation());
            }
        }
        // the inserted rows have their values already
        rows.write(locked.values().stream().filter(l -> !l.inserted() && changed.contains(l.facts().conversationId))
                .map(ConversationRows.Locked::facts).toList());
        measurements.recordNow(observed);
        if (derive.isEmpty()) {
            return;
        }
        Map<UUID, List<HumanReply>> repliesOf = rows.addAndRead(replies,
                derive.stream().filter(c -> !locked.get(c).inserted()).toList());
        Map<String, Optional<BusinessHours>> hours = new HashMap<>();
        List<Measurements.ConversationObservations> observations = new ArrayList<>();
        List<FactsChanged> facts = new ArrayList<>();
        for (ConversationRows.Locked l : locked.values()) {
            ConversationRow row = l.facts().row();
            if (!derive.contains(row.conversationId())) {
                continue;
            }
            // the business-hours values use the tenant's hours known now
            BusinessHours businessHours = l.hours() == null ? null
                    : hours.computeIfAbsent(l.hours(), h -> Optional.ofNullable(BusinessHours.parse(h))).orElse(null);
            List<Measure> derived = ConversationMeasures.derive(row, repliesOf.getOrDefault(row.conversationId(), List.of()), businessHours,
                    properties.get().zoneOf(row.tenantId()));
            observations.add(new Measurements.ConversationObservations(row.tenantId(), row.conversationId(), derived, row.groupName(), row.channel(),
                    !l.inserted(), observedOf.contains(row.conversationId())));
            boolean waiting = row.queuedAt() != null && (row.assignedAt() == null) && row.endedAt() == null;
            facts.add(new FactsChanged(row.tenantId(), row.conversationId(), waiting ? row.queuedAt() : null, null, null));
        }
        measurements.replaceConversations(observations);
        // the live board sets its Redis counters for the whole batch in one pipeline, after the commit
        spring.publishEvent(new ChangedFacts(facts));
    }

    static ConversationRow row(ResultSet rs, int i) throws SQLException {
        long waited = rs.getLong("waited_seconds");
        Long waitedSeconds = rs.wasNull() ? null : waited;
        int rating = rs.getInt("rating");
        Integer ratingOrNull = rs.wasNull() ? null : rating;
        return new ConversationRow(rs.getObject("conversation_id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getObject("customer_id", UUID.class), rs.getString("channel"), rs.getString("group_name"), at(rs, "opened_at"),
                at(rs, "reopened_at"), at(rs, "ai_requested_at"), at(rs, "queued_at"), at(rs, "assigned_at"), waitedSeconds,
                rs.getObject("agent_id", UUID.class), at(rs, "ended_at"), rs.getString("ended_reason"), rs.getObject("ended_agent_id", UUID.class),
                ratingOrNull, at(rs, "rated_at"), rs.getObject("rated_agent_id", UUID.class), at(rs, "ai_handed_off_at"));
    }

    static @Nullable Instant at(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static Timestamp ts(Instant at) {
        return Timestamp.from(at);
    }
}
