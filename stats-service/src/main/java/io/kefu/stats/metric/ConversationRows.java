package io.kefu.stats.metric;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import io.kefu.stats.metric.ConversationRow.HumanReply;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import static io.kefu.stats.metric.Measurements.array;

/**
 * The conversation rows of a batch, read and written set-based: one statement locks (creating the bare ones) and reads
 * all of them with their tenants' hours, one writes them back, one adds the batch's human replies and reads all of
 * theirs. {@link Conversations} applies the events to the rows in memory in between.
 */
@Component
class ConversationRows {

    /** A locked row, in memory, and its tenant's business hours as auth configured them. */
    record Locked(ConversationFacts facts, @Nullable String hours) {
    }

    /** A human reply the batch adds. */
    record Reply(UUID conversation, HumanReply reply) {
    }

    private final JdbcClient jdbc;

    ConversationRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Locks the conversations' rows to the end of the transaction, in id order (the order every batch locks them in),
     * creating those stats has not heard of bare with the tenant given, and reads them. An upsert rather than a
     * {@code select … for update}: a row another batch is inserting is waited for and then read as it committed.
     */
    Map<UUID, Locked> lock(Map<UUID, UUID> tenantOfConversation) {
        Map<UUID, Locked> out = new LinkedHashMap<>();
        jdbc.sql("""
                with locked as (
                  insert into conversation (conversation_id, tenant_id)
                  select c, t from unnest(?::uuid[], ?::uuid[]) as v(c, t) order by c
                  on conflict (conversation_id) do update set tenant_id = conversation.tenant_id
                  returning *)
                select l.*, h.business_hours from locked l left join tenant_hours h on h.tenant_id = l.tenant_id order by l.conversation_id""")
                .params(array(strings(tenantOfConversation.keySet(), UUID::toString)), array(strings(tenantOfConversation.values(), UUID::toString)))
                .query((rs, i) -> out.put(rs.getObject("conversation_id", UUID.class),
                        new Locked(new ConversationFacts(Conversations.row(rs, i)), rs.getString("business_hours"))))
                .list();
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
                from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[],
                  ?::timestamptz[], ?::bigint[], ?::uuid[], ?::timestamptz[], ?::text[], ?::uuid[], ?::int[], ?::timestamptz[], ?::uuid[],
                  ?::timestamptz[])
                  as v(customer_id, conversation_id, channel, group_name, opened_at, reopened_at, ai_requested_at, queued_at, assigned_at,
                    waited_seconds, agent_id, ended_at, ended_reason, ended_agent_id, rating, rated_at, rated_agent_id, ai_handed_off_at)
                where c.conversation_id = v.conversation_id""")
                .params(array(strings(rows, f -> str(f.customerId))), array(strings(rows, f -> f.conversationId.toString())),
                        array(strings(rows, f -> f.channel)), array(strings(rows, f -> f.groupName)), array(strings(rows, f -> str(f.openedAt))),
                        array(strings(rows, f -> str(f.reopenedAt))), array(strings(rows, f -> str(f.aiRequestedAt))),
                        array(strings(rows, f -> str(f.queuedAt))), array(strings(rows, f -> str(f.assignedAt))),
                        array(strings(rows, f -> str(f.waitedSeconds))), array(strings(rows, f -> str(f.agentId))),
                        array(strings(rows, f -> str(f.endedAt))), array(strings(rows, f -> f.endedReason)),
                        array(strings(rows, f -> str(f.endedAgentId))), array(strings(rows, f -> str(f.rating))),
                        array(strings(rows, f -> str(f.ratedAt))), array(strings(rows, f -> str(f.ratedAgentId))),
                        array(strings(rows, f -> str(f.aiHandedOffAt))))
                .update();
    }

    /**
     * Adds the batch's human replies (in the order they came; a message already known is left as it is) and returns every
     * reply of these conversations, the added ones included: one statement.
     */
    Map<UUID, List<HumanReply>> addAndRead(List<Reply> added, Collection<UUID> conversations) {
        Map<UUID, List<HumanReply>> out = new HashMap<>();
        if (conversations.isEmpty()) {
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
                        array(strings(conversations, UUID::toString)))
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
