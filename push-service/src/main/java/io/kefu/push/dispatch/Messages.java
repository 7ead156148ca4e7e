package io.kefu.push.dispatch;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.kefu.push.template.Channel;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The message table, set-based: a batch is stored in one statement, and each step of a message is one
 * conditional update that also appends to its trace ({@code trace} jsonb: step, at, detail), so the
 * trace can never disagree with the status. A claim ({@code queued → sending} with a lease) succeeds
 * for one delivery only: a redelivered or duplicated AMQP message finds the row taken and is dropped.
 */
@Component
public class Messages {

    private static final String TRACE = "trace = trace || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('step', :step, 'at', to_jsonb(:now::timestamptz), 'detail', :detail::text))) ";
    /**
     * A captcha template's variables (the verification code) once the message is done with them: each value
     * becomes {@code ******}, so a code sent or refused for good stays readable nowhere (the traces mask it too).
     */
    private static final String REDACTED_CAPTCHA = """
            case when exists (select 1 from template t where t.id = m.template_id and t.kind = 'captcha')
                 then (select coalesce(jsonb_object_agg(k, to_jsonb('******'::text)), '{}'::jsonb) from jsonb_object_keys(m.variables) as k)
                 else m.variables end""";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    Messages(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** A message to store: its id, recipient and its own variables as a JSON object (null: the request's shared ones). */
    public record NewMessage(UUID id, String recipient, @Nullable String variablesJson) {
    }

    /** What the dispatch queue needs to publish a message. */
    public record Queued(UUID id, Channel channel, int priority) {
    }

    /**
     * Stores {@code rows} in one statement; a row without variables of its own gets {@code sharedVariablesJson}
     * (parsed once, not per row). With an idempotency key (single sends) a second insert of the same key
     * stores nothing and answers 0.
     */
    public int insert(UUID tenantId, @Nullable UUID batchId, UUID templateId, Channel channel, int priority, @Nullable String idempotencyKey,
            List<NewMessage> rows, String sharedVariablesJson, Instant now) {
        String sql = """
                insert into message (id, tenant_id, batch_id, template_id, channel, recipient, variables, priority, status, idempotency_key,
                                     trace, created_at, updated_at)
                select u.id, ?, ?, ?, ?, u.recipient, coalesce(u.variables::jsonb, ?::jsonb), ?, 'queued', ?,
                       jsonb_build_array(jsonb_build_object('step', 'queued', 'at', to_jsonb(?::timestamptz))), ?, ?
                from unnest(?::uuid[], ?::text[], ?::text[]) as u(id, recipient, variables)
                on conflict (tenant_id, idempotency_key) where idempotency_key is not null do nothing""";
        Integer inserted = template.execute((ConnectionCallback<Integer>) con -> {
            Array ids = con.createArrayOf("uuid", rows.stream().map(NewMessage::id).toArray());
            Array recipients = con.createArrayOf("text", rows.stream().map(NewMessage::recipient).toArray());
            Array variables = con.createArrayOf("text", rows.stream().map(NewMessage::variablesJson).toArray());
            try (PreparedStatement ps = con.prepareStatement(sql)) {
                Timestamp at = Timestamp.from(now);
                ps.setObject(1, tenantId);
                ps.setObject(2, batchId);
                ps.setObject(3, templateId);
                ps.setString(4, channel.name());
                ps.setString(5, sharedVariablesJson);
                ps.setInt(6, priority);
                ps.setString(7, idempotencyKey);
                ps.setTimestamp(8, at);
                ps.setTimestamp(9, at);
                ps.setTimestamp(10, at);
                ps.setArray(11, ids);
                ps.setArray(12, recipients);
                ps.setArray(13, variables);
                return ps.executeUpdate();
            }
        });
        return inserted == null ? 0 : inserted;
    }

    public Optional<UUID> byIdempotencyKey(UUID tenantId, String key) {
        return jdbc.sql("select id from message where tenant_id = ? and idempotency_key = ?").params(tenantId, key).query(UUID.class).optional();
    }

    /** A message claimed for sending. */
    public record Claimed(UUID id, UUID tenantId, @Nullable UUID batchId, UUID templateId, Channel channel, String recipient, String variables,
            int priority, int attempts, Instant createdAt) {
    }

    /** queued → sending with a lease, counted as an attempt; empty when another delivery has it (or it is no longer queued). */
    public Optional<Claimed> claim(UUID id, Instant now, Duration lease) {
        return jdbc.sql("""
                update message set status = 'sending', lease_until = :lease, attempts = attempts + 1,
                       processed_at = coalesce(processed_at, :now), updated_at = :now, """ + TRACE + """
                where id = :id and status = 'queued'
                returning id, tenant_id, batch_id, template_id, channel, recipient, variables::text as variables, priority, attempts, created_at""")
                .param("id", id).param("now", Timestamp.from(now)).param("lease", Timestamp.from(now.plus(lease)))
                .param("step", "processed").param("detail", null)
                .query((rs, i) -> new Claimed(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                        rs.getObject("batch_id", UUID.class), rs.getObject("template_id", UUID.class), Channel.valueOf(rs.getString("channel")),
                        rs.getString("recipient"), rs.getString("variables"), rs.getInt("priority"), rs.getInt("attempts"),
                        rs.getTimestamp("created_at").toInstant()))
                .optional();
    }

    /**
     * queued → sending for each of {@code ids} in one statement (a bulk consumer's deliveries); the ones
     * another delivery has, or that are no longer queued, are left out. Rows are locked in id order, so two
     * lots holding the same ids (a redelivery) wait for each other instead of deadlocking. One statement:
     * called outside a transaction (autocommit) it is committed by the time it returns.
     */
    public List<Claimed> claimAll(List<UUID> ids, Instant now, Duration lease) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                update message set status = 'sending', lease_until = :lease, attempts = attempts + 1,
                       processed_at = coalesce(processed_at, :now), updated_at = :now, """ + TRACE + """
                where id in (select id from message where id in (:ids) and status = 'queued' order by id for update) and status = 'queued'
                returning id, tenant_id, batch_id, template_id, channel, recipient, variables::text as variables, priority, attempts, created_at""")
                .param("ids", ids).param("now", Timestamp.from(now)).param("lease", Timestamp.from(now.plus(lease)))
                .param("step", "processed").param("detail", null)
                .query((rs, i) -> new Claimed(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                        rs.getObject("batch_id", UUID.class), rs.getObject("template_id", UUID.class), Channel.valueOf(rs.getString("channel")),
                        rs.getString("recipient"), rs.getString("variables"), rs.getInt("priority"), rs.getInt("attempts"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    /** A send to record: the claimed message, the provider's id and answer, the call's duration. */
    public record Sent(Claimed claimed, String provider, @Nullable String providerMessageId, String response, int sendMillis) {
    }

    /** {@link #sent} for many in one statement; answers the ids recorded (a row whose claim was lost is left out). */
    public List<UUID> sentAll(List<Sent> sends, Instant now) {
        if (sends.isEmpty()) {
            return List.of();
        }
        String sql = """
                update message m set status = 'sent', sent_at = ?, lease_until = null, provider_message_id = u.pid, provider_response = u.response,
                       send_millis = u.millis, failure_reason = null, updated_at = ?, variables =\s""" + REDACTED_CAPTCHA + ",\n" + """
                       trace = m.trace || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('step', 'sent', 'at', to_jsonb(?::timestamptz),
                                                                                                 'detail', u.detail)))
                from unnest(?::uuid[], ?::int[], ?::text[], ?::text[], ?::int[], ?::text[]) as u(id, attempts, pid, response, millis, detail)
                where m.id = u.id and m.status in ('sending', 'unknown') and m.attempts = u.attempts
                  and m.id in (select id from message where id = any(?::uuid[]) order by id for update)
                returning m.id""";
        List<UUID> recorded = template.execute((ConnectionCallback<List<UUID>>) con -> {
            try (PreparedStatement ps = con.prepareStatement(sql)) {
                Timestamp at = Timestamp.from(now);
                ps.setTimestamp(1, at);
                ps.setTimestamp(2, at);
                ps.setTimestamp(3, at);
                ps.setArray(4, con.createArrayOf("uuid", sends.stream().map(x -> x.claimed().id()).toArray()));
                ps.setArray(5, con.createArrayOf("int4", sends.stream().map(x -> x.claimed().attempts()).toArray()));
                ps.setArray(6, con.createArrayOf("text", sends.stream().map(Sent::providerMessageId).toArray()));
                ps.setArray(7, con.createArrayOf("text", sends.stream().map(x -> cut(x.response(), 2000)).toArray()));
                ps.setArray(8, con.createArrayOf("int4", sends.stream().map(Sent::sendMillis).toArray()));
                ps.setArray(9, con.createArrayOf("text", sends.stream().map(x -> cut(x.response(), 500)).toArray()));
                // the lot's rows locked in id order first, as the claim locks them: a statement that locks some of
                // them in id order meanwhile (another lot's claim of a redelivered id, an admin's bulk update) waits
                // instead of closing a deadlock with this one, whose join would otherwise lock them in hash order
                ps.setArray(10, con.createArrayOf("uuid", sends.stream().map(x -> x.claimed().id()).toArray()));
                List<UUID> ids = new java.util.ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
                return ids;
            }
        });
        return recorded == null ? List.of() : recorded;
    }

    /**
     * sending → scheduled until {@code at}: a transient failure ({@code step} retry, the attempt counts) or a
     * pacing rule ({@code step} held, the attempt is given back).
     */
    public boolean schedule(Claimed c, String step, String detail, Instant at, boolean countAttempt, Instant now) {
        return jdbc.sql("""
                update message set status = 'scheduled', next_attempt_at = :at, lease_until = null, published_at = null,
                       attempts = attempts - :giveBack, failure_reason = case when :giveBack = 0 then :detail else failure_reason end,
                       updated_at = :now, """ + TRACE + """
                where id = :id and status = 'sending' and attempts = :attempts""")
                .param("id", c.id()).param("attempts", c.attempts()).param("at", Timestamp.from(at)).param("giveBack", countAttempt ? 0 : 1)
                .param("now", Timestamp.from(now)).param("step", step).param("detail", cut(detail + " until " + at, 1000))
                .update() == 1;
    }

    /** sending → failed (refused for good) or dead (retries exhausted). */
    public boolean fail(Claimed c, MessageStatus status, String reason, @Nullable String response, Instant now) {
        return jdbc.sql("""
                update message m set status = :status, lease_until = null, failure_reason = :reason, provider_response = :response,
                       updated_at = :now, variables = case when :status = 'failed' then\s""" + REDACTED_CAPTCHA + " else m.variables end, " + TRACE + """
                where id = :id and status = 'sending' and attempts = :attempts""")
                .param("id", c.id()).param("attempts", c.attempts()).param("status", status.wire()).param("reason", cut(reason, 1000))
                .param("response", response == null ? null : cut(response, 2000)).param("now", Timestamp.from(now))
                .param("step", status.wire()).param("detail", cut(reason, 1000))
                .update() == 1;
    }

    public void markPublished(List<UUID> ids, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        template.execute((ConnectionCallback<Integer>) con -> {
            try (PreparedStatement ps = con.prepareStatement(
                    // skip locked: a row being claimed or recorded needs no publication mark, and never waiting
                    // here means this statement cannot close a deadlock with a consumer's lot.
                    """
                    update message set published_at = ?
                    where id in (select id from message where id = any(?) and status = 'queued' for update skip locked)""")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setArray(2, con.createArrayOf("uuid", ids.toArray()));
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Messages to (re)publish, claimed with skip locked so instances split them: scheduled ones that are
     * due become queued; queued ones never published (the instance died after commit) or published
     * long ago (a lost delivery) are taken as they are. A duplicate on the queue is harmless: the claim
     * lets one delivery through.
     */
    public List<Queued> dueForPublish(Instant now, Instant unpublishedBefore, Instant publishedBefore, int limit) {
        return jdbc.sql("""
                with due as (
                    select id from message
                    where (status = 'scheduled' and next_attempt_at <= :now)
                       or (status = 'queued' and published_at is null and created_at < :unpublishedBefore)
                       or (status = 'queued' and published_at < :publishedBefore)
                    order by priority desc, created_at
                    limit :limit
                    for update skip locked)
                update message m set status = 'queued', next_attempt_at = null, published_at = :now, updated_at = :now
                from due where m.id = due.id
                returning m.id, m.channel, m.priority""")
                .param("now", Timestamp.from(now)).param("unpublishedBefore", Timestamp.from(unpublishedBefore))
                .param("publishedBefore", Timestamp.from(publishedBefore)).param("limit", limit)
                .query((rs, i) -> new Queued(rs.getObject(1, UUID.class), Channel.valueOf(rs.getString(2)), rs.getInt(3)))
                .list();
    }

    /** A message whose lease ran out while sending. */
    public record Expired(UUID id, UUID tenantId, @Nullable UUID batchId, UUID templateId, Channel channel, int attempts) {
    }

    /**
     * sending with an expired lease → unknown: the instance died (or hung) between claim and record, and
     * none of the providers de-duplicates a resend, so it is not sent again; an admin may re-drive it.
     */
    public List<Expired> expireLeases(Instant now, int limit) {
        return jdbc.sql("""
                with expired as (
                    select id from message where status = 'sending' and lease_until < :now
                    limit :limit for update skip locked)
                update message m set status = 'unknown', lease_until = null,
                       failure_reason = 'lease expired while sending: the outcome is unknown, not resent (the provider does not de-duplicate)',
                       updated_at = :now, """ + TRACE + """
                from expired where m.id = expired.id
                returning m.id, m.tenant_id, m.batch_id, m.template_id, m.channel, m.attempts""")
                .param("now", Timestamp.from(now)).param("limit", limit).param("step", "unknown")
                .param("detail", "lease expired while sending; not resent")
                .query((rs, i) -> new Expired(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                        rs.getObject(4, UUID.class), Channel.valueOf(rs.getString(5)), rs.getInt(6)))
                .list();
    }

    /** dead, failed or unknown → queued again with fresh attempts (an admin's re-drive); false if it is not in such a state. */
    public Optional<Queued> redrive(UUID tenantId, UUID id, Instant now) {
        return jdbc.sql("""
                update message set status = 'queued', attempts = 0, next_attempt_at = null, published_at = :now, failure_reason = null,
                       updated_at = :now, """ + TRACE + """
                where id = :id and tenant_id = :tenant and status in ('dead', 'failed', 'unknown')
                returning id, channel, priority""")
                .param("id", id).param("tenant", tenantId).param("now", Timestamp.from(now)).param("step", "redriven").param("detail", null)
                .query((rs, i) -> new Queued(rs.getObject(1, UUID.class), Channel.valueOf(rs.getString(2)), rs.getInt(3)))
                .optional();
    }

    /** The message a receipt was applied to. */
    public record Receipted(UUID messageId, UUID tenantId) {
    }

    /**
     * A delivery receipt: sent → delivered, or → failed when the provider reports a failed delivery; empty if no sent
     * message matches. {@code phone} (mainland, without +86; empty: any) picks the message among those sent in one
     * batch call, which share the provider's id (Aliyun's {@code BizId}): a call carries each number once.
     */
    public Optional<Receipted> receipt(Channel channel, String providerMessageId, String phone, boolean delivered, String detail, Instant at) {
        return jdbc.sql("""
                update message set status = case when :delivered then 'delivered' else 'failed' end, callback_at = :now,
                       failure_reason = case when :delivered then failure_reason else :detail end, updated_at = :now, """ + TRACE + """
                where channel = :channel and provider_message_id = :pid and status in ('sent', 'unknown')
                  and (:phone = '' or recipient in (:phone, '+86' || :phone, '86' || :phone, '+' || :phone))
                returning id, tenant_id""")
                .param("channel", channel.name()).param("pid", providerMessageId).param("phone", phone).param("delivered", delivered)
                .param("now", Timestamp.from(at)).param("step", "callback").param("detail", cut(detail, 500))
                .query((rs, i) -> new Receipted(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class))).list().stream().findFirst();
    }

    /** Count of a batch's messages per status. */
    public java.util.Map<MessageStatus, Long> countsByBatch(UUID batchId) {
        java.util.Map<MessageStatus, Long> counts = new java.util.EnumMap<>(MessageStatus.class);
        jdbc.sql("select status, count(*) from message where batch_id = ? group by status").param(batchId)
                .query((rs, i) -> counts.put(MessageStatus.of(rs.getString(1)), rs.getLong(2))).list();
        return counts;
    }

    public int deleteOlderThan(Instant before, int limit) {
        return jdbc.sql("delete from message where id in (select id from message where created_at < ? limit ?)")
                .params(Timestamp.from(before), limit).update();
    }

    static String cut(@Nullable String text, int max) {
        if (text == null) {
            return "";
        }
        String clean = text.replace('\0', ' ');
        return clean.length() <= max ? clean : clean.substring(0, max);
    }
}
