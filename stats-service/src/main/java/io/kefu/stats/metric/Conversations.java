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
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsProperties;
import io.kefu.stats.metric.ConversationRow.HumanReply;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The conversation facts, fed by the ingest consumers (inside their inbox transaction). Each change
 * keeps the first (or last, where the dictionary says so) timestamp whatever order events arrive in,
 * then re-derives the conversation's measures ({@link ConversationMeasures}) and replaces them.
 */
@Component
public class Conversations {

    private final JdbcClient jdbc;
    private final Measurements measurements;
    private final ApplicationEventPublisher spring;
    private final LiveProperties<StatsProperties> properties;

    /** Conversations (→ tenant) whose measures this transaction's events changed. */
    private final Deferred<Map<UUID, UUID>> dirty = new Deferred<>(30, LinkedHashMap::new, this::refreshAll);

    private record WithHours(ConversationRow row, @Nullable String hours) {
    }

    Conversations(JdbcClient jdbc, Measurements measurements, ApplicationEventPublisher spring, LiveProperties<StatsProperties> properties) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.measurements = measurements;
        this.spring = spring;
    }

    public void opened(UUID tenant, UUID conversation, @Nullable UUID customer, @Nullable String channel, Instant startedAt) {
        jdbc.sql(ENSURE_NAMED + """
                update conversation set customer_id = coalesce(customer_id, :customer), channel = coalesce(channel, :channel),
                  reopened_at = case when ended_at is not null and :at > ended_at then least(reopened_at, :at) else reopened_at end,
                  opened_at = case when ended_at is not null and :at > ended_at then opened_at else least(opened_at, :at) end
                where conversation_id = :id""")
                .param("ensureId", conversation).param("ensureTenant", tenant)
                .param("customer", customer).param("channel", channel).param("at", ts(startedAt)).param("id", conversation).update();
        refresh(tenant, conversation);
    }

    public void aiRequested(UUID tenant, UUID conversation, @Nullable UUID customer, Instant at) {
        jdbc.sql(ENSURE + """
                update conversation set customer_id = coalesce(customer_id, ?), ai_requested_at = least(ai_requested_at, ?)
                where conversation_id = ?""")
                .params(conversation, tenant, customer, ts(at), conversation).update();
        refresh(tenant, conversation);
    }

    /** kb-ai handed the conversation to a person (the first time counts). */
    public void aiHandedOff(UUID tenant, UUID conversation, @Nullable UUID customer, Instant at) {
        jdbc.sql(ENSURE + """
                update conversation set customer_id = coalesce(customer_id, ?), ai_handed_off_at = least(ai_handed_off_at, ?)
                where conversation_id = ?""")
                .params(conversation, tenant, customer, ts(at), conversation).update();
        refresh(tenant, conversation);
    }

    public void queued(UUID tenant, UUID conversation, @Nullable UUID customer, @Nullable String group, Instant enqueuedAt) {
        jdbc.sql(ENSURE + """
                update conversation set customer_id = coalesce(customer_id, ?), group_name = coalesce(?, group_name),
                  queued_at = least(queued_at, ?) where conversation_id = ?""")
                .params(conversation, tenant, customer, group, ts(enqueuedAt), conversation).update();
        refresh(tenant, conversation);
    }

    public void assigned(UUID tenant, UUID conversation, @Nullable UUID customer, UUID agent, @Nullable String group, @Nullable Long waitedSeconds,
            Instant at) {
        jdbc.sql(ENSURE + """
                update conversation set customer_id = coalesce(customer_id, ?), group_name = coalesce(?, group_name),
                  agent_id = case when assigned_at is null or ? >= assigned_at then ? else agent_id end,
                  waited_seconds = case when assigned_at is null or ? < assigned_at then ? else waited_seconds end,
                  assigned_at = least(assigned_at, ?) where conversation_id = ?""")
                .params(conversation, tenant, customer, group, ts(at), agent, ts(at), waitedSeconds, ts(at), conversation).update();
        refresh(tenant, conversation);
    }

    public void transferred(UUID tenant, UUID conversation, @Nullable UUID toAgent, @Nullable String toGroup) {
        jdbc.sql(ENSURE + "update conversation set agent_id = coalesce(?, agent_id), group_name = coalesce(?, group_name) where conversation_id = ?")
                .params(conversation, tenant, toAgent, toGroup, conversation).update();
        refresh(tenant, conversation);
    }

    public void humanReplied(UUID tenant, UUID conversation, UUID messageId, @Nullable UUID agent, Instant at) {
        jdbc.sql(ENSURE + "insert into human_reply (conversation_id, message_id, agent_id, sent_at) values (?, ?, ?, ?) on conflict do nothing")
                .params(conversation, tenant, conversation, messageId, agent, ts(at)).update();
        refresh(tenant, conversation);
    }

    public void ended(UUID tenant, UUID conversation, @Nullable UUID customer, @Nullable UUID agent, @Nullable String reason,
            @Nullable Instant startedAt, Instant endedAt) {
        jdbc.sql(ENSURE_NAMED + """
                update conversation set customer_id = coalesce(customer_id, :customer), opened_at = coalesce(opened_at, :started),
                  ended_agent_id = case when ended_at is null or :ended >= ended_at then coalesce(:agent, ended_agent_id) else ended_agent_id end,
                  ended_reason = case when ended_at is null or :ended >= ended_at then :reason else ended_reason end,
                  ended_at = greatest(ended_at, :ended) where conversation_id = :id""")
                .param("ensureId", conversation).param("ensureTenant", tenant)
                .param("customer", customer).param("started", startedAt == null ? null : ts(startedAt)).param("ended", ts(endedAt))
                .param("agent", agent).param("reason", reason).param("id", conversation).update();
        refresh(tenant, conversation);
    }

    public void rated(UUID tenant, UUID conversation, @Nullable UUID agent, int rating, Instant ratedAt) {
        jdbc.sql(ENSURE + """
                update conversation set rating = case when rated_at is null or ? >= rated_at then ? else rating end,
                  rated_agent_id = case when rated_at is null or ? >= rated_at then ? else rated_agent_id end,
                  rated_at = greatest(rated_at, ?) where conversation_id = ?""")
                .params(conversation, tenant, ts(ratedAt), rating, ts(ratedAt), agent, ts(ratedAt), conversation).update();
        refresh(tenant, conversation);
    }

    /**
     * The conversation's row, locked to the end of the transaction (created bare if stats has not heard of it), for an
     * observation keyed by an event that takes the conversation's dimensions: the transaction of another queue's batch
     * that gives the conversation its channel or group either committed before (seen here) or waits for this one
     * (and its alignment then sees this observation). Without the lock the two could miss each other.
     */
    public ConversationRow lockForMeasure(UUID tenant, UUID conversation) {
        // one round trip: created bare, or the existing row locked (as "for update" would) by a no-op update
        return jdbc.sql("""
                insert into conversation (conversation_id, tenant_id) values (?, ?)
                on conflict (conversation_id) do update set tenant_id = conversation.tenant_id returning *""")
                .params(conversation, tenant).query(Conversations::row).single();
    }

    public @Nullable ConversationRow find(UUID conversation) {
        return jdbc.sql("select * from conversation where conversation_id = ?").param(conversation).query(Conversations::row).optional()
                .orElse(null);
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
        dirty.flushNow();
        jdbc.sql("""
                insert into tenant_hours (tenant_id, business_hours, version) values (?, ?, ?)
                on conflict (tenant_id) do update set business_hours = excluded.business_hours, version = excluded.version
                where tenant_hours.version < excluded.version""")
                .params(tenant, hours == null || hours.isBlank() ? null : hours.strip(), version).update();
    }

    /**
     * Creates the conversation's row bare if stats has not heard of it. Prefixed to the statement that changes the row:
     * pgjdbc sends the two statements of one string in one round trip.
     */
    private static final String ENSURE = "insert into conversation (conversation_id, tenant_id) values (?, ?) on conflict do nothing;\n";
    private static final String ENSURE_NAMED =
            "insert into conversation (conversation_id, tenant_id) values (:ensureId, :ensureTenant) on conflict do nothing;\n";

    /**
     * The conversation's measures are re-derived once per batch, just before its commit, from the row as the batch's
     * events left it ({@link ConversationMeasures} is a pure function of the row, so once at the end gives what once
     * per event gave): one read of the batch's rows, one of their replies, three statements for their measurements.
     */
    private void refresh(UUID tenant, UUID conversation) {
        dirty.add(pending -> pending.put(conversation, tenant));
    }

    private void refreshAll(Map<UUID, UUID> pending) {
        if (pending.isEmpty()) {
            return;
        }
        // the tenant's business hours come with the rows: the business-hours values use the hours known now
        List<WithHours> found = jdbc.sql("""
                select c.*, h.business_hours from conversation c left join tenant_hours h on h.tenant_id = c.tenant_id
                where c.conversation_id = any(?::uuid[]) order by c.conversation_id for update of c""")
                .param(Measurements.array(pending.keySet().stream().map(UUID::toString).toList()))
                .query((rs, i) -> new WithHours(row(rs, i), rs.getString("business_hours"))).list();
        Map<UUID, List<HumanReply>> replies = new HashMap<>();
        jdbc.sql("select conversation_id, message_id, agent_id, sent_at from human_reply where conversation_id = any(?::uuid[])")
                .param(Measurements.array(pending.keySet().stream().map(UUID::toString).toList()))
                .query((rs, i) -> replies.computeIfAbsent(rs.getObject(1, UUID.class), c -> new ArrayList<>())
                        .add(new HumanReply(rs.getObject(2, UUID.class), rs.getObject(3, UUID.class), rs.getTimestamp(4).toInstant())))
                .list();
        List<Measurements.ConversationObservations> observations = new ArrayList<>();
        List<FactsChanged> changes = new ArrayList<>();
        for (WithHours f : found) {
            ConversationRow row = f.row();
            List<Measure> derived = ConversationMeasures.derive(row, replies.getOrDefault(row.conversationId(), List.of()),
                    BusinessHours.parse(f.hours()), properties.get().zoneOf(row.tenantId()));
            observations.add(new Measurements.ConversationObservations(row.tenantId(), row.conversationId(), derived, row.groupName(), row.channel()));
            boolean waiting = row.queuedAt() != null && (row.assignedAt() == null) && row.endedAt() == null;
            changes.add(new FactsChanged(row.tenantId(), row.conversationId(), waiting ? row.queuedAt() : null, null, null));
        }
        measurements.replaceConversations(observations);
        // the live board sets its Redis counters for the whole batch in one pipeline, after the commit
        spring.publishEvent(new ChangedFacts(changes));
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
