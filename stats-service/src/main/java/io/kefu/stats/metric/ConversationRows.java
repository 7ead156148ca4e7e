package io.kefu.stats.metric;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import io.kefu.stats.metric.ConversationRow.HumanReply;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import static io.kefu.stats.metric.Measurements.array;

/**
 * The conversation rows of a batch, read and written set-based: one statement inserts the new ones with their values and
 * locks the others, one reads those and one their tenants' hours, one writes them back, one adds the batch's human
 * replies and reads the others'. {@link Conversations} applies the events to the rows in memory in between.
 */
@Component
class ConversationRows {

    /**
     * A locked row as it was before the batch, in memory, and its tenant's business hours as auth configured them;
     * {@code inserted}: stats had not heard of the conversation, and the batch inserted it with its values.
     */
    record Locked(ConversationFacts facts, @Nullable String hours, boolean inserted) {
    }

    /** A human reply the batch adds. */
    record Reply(UUID conversation, HumanReply reply) {
    }

    private final JdbcClient jdbc;

    ConversationRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The 19 columns of a conversation row, in the order of {@link #VALUES}. */
    private static final String COLUMNS = """
            conversation_id, tenant_id, customer_id, channel, group_name, opened_at, reopened_at, ai_requested_at, queued_at, assigned_at,
              waited_seconds, agent_id, ended_at, ended_reason, ended_agent_id, rating, rated_at, rated_agent_id, ai_handed_off_at""";

    /** The rows given as one array per column. */
    private static final String VALUES = """
            unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[],
              ?::timestamptz[], ?::bigint[], ?::uuid[], ?::timestamptz[], ?::text[], ?::uuid[], ?::int[], ?::timestamptz[], ?::uuid[], ?::timestamptz[])
              as v(""" + COLUMNS + ")";

    /**
     * Locks the batch's conversations' rows to the end of the transaction, in id order (the order every batch locks them
     * in), and returns them as they were before the batch with their tenants' hours. A conversation stats has not heard
     * of is inserted at once with the values the batch's events give a blank row ({@code asNew}, computed by the caller):
     * one row version, not a bare row and then an update. The others — there already, or inserted by another batch
     * meanwhile (waited for, then seen as it committed) — are locked by the same statement without being written
     * ({@code do update … where false} locks and writes nothing) and read by a second; the caller applies the batch to
     * them and {@link #write}s them.
     */
    Map<UUID, Locked> lock(Collection<ConversationFacts> asNew) {
        Set<UUID> inserted = new HashSet<>(jdbc.sql("insert into conversation (" + COLUMNS + ")\nselect * from " + VALUES
                + "\norder by conversation_id\non conflict (conversation_id) do update set tenant_id = excluded.tenant_id where false returning conversation_id")
                .params(columns(asNew)).query(UUID.class).list());
        Map<UUID, Locked> out = new LinkedHashMap<>();
        Map<UUID, String> hours = new HashMap<>();
        jdbc.sql("select tenant_id, business_hours from tenant_hours where tenant_id = any(?::uuid[])")
                .param(array(strings(asNew.stream().map(f -> f.tenantId).distinct().toList(), UUID::toString)))
                .query((rs, i) -> hours.put(rs.getObject(1, UUID.class), rs.getString(2))).list();
        List<UUID> there = asNew.stream().map(f -> f.conversationId).filter(c -> !inserted.contains(c)).toList();
        Map<UUID, ConversationFacts> before = new HashMap<>();
        if (!there.isEmpty()) {
            jdbc.sql("select * from conversation where conversation_id = any(?::uuid[])").param(array(strings(there, UUID::toString)))
                    .query((rs, i) -> before.put(rs.getObject("conversation_id", UUID.class), new ConversationFacts(Conversations.row(rs, i))))
                    .list();
        }
        asNew.forEach(f -> {
            ConversationFacts row = inserted.contains(f.conversationId) ? ConversationFacts.blank(f.conversationId, f.tenantId)
                    : before.get(f.conversationId);
            out.put(f.conversationId, new Locked(row, hours.get(row.tenantId), inserted.contains(f.conversationId)));
        });
        return out;
    }

    /** Writes the rows back, one statement for all of them. */
    void write(Collection<ConversationFacts> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.sql("""
                update conversation c set customer_id = v.customer_id, channel = v.channel, group_name = v.group_name, opened_at = v.opened_at,
                  reopened_at = v.reopened_at, ai_requested_at = v.ai_requested_at, queued_at = v.queued_at, assigned_at = v.assigned_at,
                  waited_seconds = v.waited_seconds, agent_id = v.agent_id, ended_at = v.ended_at, ended_reason = v.ended_reason,
                  ended_agent_id = v.ended_agent_id, rating = v.rating, rated_at = v.rated_at, rated_agent_id = v.rated_agent_id,
                  ai_handed_off_at = v.ai_handed_off_at
                from\s""" + VALUES + "\nwhere c.conversation_id = v.conversation_id")
                .params(columns(rows))
                .update();
    }

    /** One text array per column, in the order of {@link #COLUMNS}. */
    private static Object[] columns(Collection<ConversationFacts> rows) {
        return new Object[] {array(strings(rows, f -> f.conversationId.toString())), array(strings(rows, f -> f.tenantId.toString())),
                array(strings(rows, f -> str(f.customerId))), array(strings(rows, f -> f.channel)), array(strings(rows, f -> f.groupName)),
                array(strings(rows, f -> str(f.openedAt))), array(strings(rows, f -> str(f.reopenedAt))), array(strings(rows, f -> str(f.aiRequestedAt))),
                array(strings(rows, f -> str(f.queuedAt))), array(strings(rows, f -> str(f.assignedAt))), array(strings(rows, f -> str(f.waitedSeconds))),
                array(strings(rows, f -> str(f.agentId))), array(strings(rows, f -> str(f.endedAt))), array(strings(rows, f -> f.endedReason)),
                array(strings(rows, f -> str(f.endedAgentId))), array(strings(rows, f -> str(f.rating))), array(strings(rows, f -> str(f.ratedAt))),
                array(strings(rows, f -> str(f.ratedAgentId))), array(strings(rows, f -> str(f.aiHandedOffAt)))};
    }

    /**
     * Adds the batch's human replies (in the order they came; a message already known is left as it is) and returns them
     * with the replies stored before of {@code stored} (conversations the batch did not insert: one it inserted has no
     * reply but the batch's): one statement, none when there is nothing to add or read.
     */
    Map<UUID, List<HumanReply>> addAndRead(List<Reply> added, Collection<UUID> stored) {
        Map<UUID, List<HumanReply>> out = new HashMap<>();
        if (added.isEmpty() && stored.isEmpty()) {
            return out;
        }
        jdbc.sql("""
                with added as (
                  insert into human_reply (conversation_id, message_id, agent_id, sent_at)
                  select c, m, a, at from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::timestamptz[]) with ordinality as v(c, m, a, at, n) order by n
                  on conflict do nothing returning conversation_id, message_id, agent_id, sent_at)
                select conversation_id, message_id, agent_id, sent_at from human_reply where conversation_id = any(?::uuid[])
                union all select conversation_id, message_id, agent_id, sent_at from added""")
                .params(array(strings(added, r -> r.conversation().toString())), array(strings(added, r -> r.reply().messageId().toString())),
                        array(strings(added, r -> str(r.reply().agentId()))), array(strings(added, r -> r.reply().sentAt().toString())),
                        array(strings(stored, UUID::toString)))
                .query((rs, i) -> out.computeIfAbsent(rs.getObject(1, UUID.class), c -> new ArrayList<>())
                        .add(new HumanReply(rs.getObject(2, UUID.class), rs.getObject(3, UUID.class), rs.getTimestamp(4).toInstant())))
                .list();
        return out;
    }

    private static <T> List<String> strings(Collection<T> values, Function<T, @Nullable String> column) {
        List<String> out = new ArrayList<>(values.size());
        values.forEach(v -> out.add(column.apply(v)));
        return out;
    }

    private static @Nullable String str(@Nullable Object value) {
        return value instanceof Instant at ? at.toString() : value == null ? null : value.toString();
    }
}
