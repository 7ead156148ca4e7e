package io.kefu.kbai.answer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The questions the AI took (table {@code ai_answer}). A question is claimed once per customer
 * message ({@code message_id} is unique), with a lease; every later change is a conditional update
 * on the state it expects, so a redelivered event, a retry job and a reviewer cannot act twice.
 */
@Component
public class Answers {

    /** The columns {@link #row} reads, for queries of other packages on this table. */
    public static final String COLUMNS_SQL = """
            id, tenant_id, conversation_id, customer_id, message_id, question, status, attempts, band, coalesce(score, 0) score,
            coalesce(kb_hit, false) kb_hit, intent, items::text items, draft, answer, model, channel, customer_wrote_at, created_at,
            claimed_by, claimed_until, verdict, version""";

    private final JdbcClient jdbc;

    Answers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Claims the question of {@code messageId}; empty when it was claimed before (a redelivered event). */
    Optional<UUID> claim(UUID tenantId, UUID conversationId, UUID customerId, UUID messageId, String question, @Nullable String channel,
            Instant customerWroteAt, Instant now, Instant leaseUntil) {
        UUID id = UUID.randomUUID();
        int inserted = jdbc.sql("""
                insert into ai_answer (id, tenant_id, conversation_id, customer_id, message_id, question, status, attempts, lease_until,
                    channel, customer_wrote_at, created_at)
                values (?, ?, ?, ?, ?, ?, 'pending', 1, ?, ?, ?, ?) on conflict (message_id) do nothing""")
                .params(id, tenantId, conversationId, customerId, messageId, question, Timestamp.from(leaseUntil), channel,
                        Timestamp.from(customerWroteAt), Timestamp.from(now)).update();
        return inserted == 1 ? Optional.of(id) : Optional.empty();
    }

    public Optional<AnswerRow> find(UUID id) {
        return jdbc.sql("select " + COLUMNS_SQL + " from ai_answer where id = ?").param(id).query(Answers::row).optional();
    }

    public Optional<AnswerRow> find(UUID tenantId, UUID id) {
        return find(id).filter(a -> a.tenantId().equals(tenantId));
    }

    /** Pending questions whose lease ran out (the instance died, or the call hung past its limits). */
    List<UUID> leaseExpired(Instant now, int limit) {
        return jdbc.sql("select id from ai_answer where status = 'pending' and lease_until < ? order by lease_until limit ?")
                .params(Timestamp.from(now), limit).query(UUID.class).list();
    }

    /** Takes an expired claim again; returns the new attempt number, or empty when someone else did. */
    Optional<Integer> retake(UUID id, Instant now, Instant leaseUntil) {
        return jdbc.sql("""
                update ai_answer set attempts = attempts + 1, lease_until = ? where id = ? and status = 'pending' and lease_until < ?
                returning attempts""").params(Timestamp.from(leaseUntil), id, Timestamp.from(now)).query(Integer.class).optional();
    }

    /** Holds the claim of attempt {@code attempt} until {@code leaseUntil} (an answer waiting for the reply delay); false when lost. */
    boolean extendLease(UUID id, int attempt, Instant leaseUntil) {
        return jdbc.sql("update ai_answer set lease_until = ? where id = ? and status = 'pending' and attempts = ?")
                .params(Timestamp.from(leaseUntil), id, attempt).update() == 1;
    }

    /** Records the outcome of attempt {@code attempt}; false when the question was decided meanwhile. */
    boolean decide(UUID id, int attempt, String status, Evidence evidence, String intent, String itemsJson, @Nullable String draft,
            @Nullable String answer, @Nullable String origin, @Nullable String model, int inputTokens, int outputTokens,
            @Nullable String handoffReason, @Nullable String failure, Instant now) {
        return jdbc.sql("""
                update ai_answer set status = :status, band = :band, score = :score, kb_hit = :hit, intent = :intent,
                    items = cast(:items as jsonb), draft = :draft, answer = :answer, origin = :origin, model = :model,
                    input_tokens = :in, output_tokens = :out, handoff_reason = :reason, failure = :failure, decided_at = :now,
                    lease_until = null, version = version + 1
                where id = :id and status = 'pending' and attempts = :attempt""")
                .param("status", status).param("band", evidence.band().code()).param("score", evidence.score())
                .param("hit", evidence.kbHit()).param("intent", intent).param("items", itemsJson).param("draft", draft)
                .param("answer", answer).param("origin", origin).param("model", model).param("in", inputTokens).param("out", outputTokens)
                .param("reason", handoffReason).param("failure", failure == null ? null : failure.substring(0, Math.min(failure.length(), 2000)))
                .param("now", Timestamp.from(now)).param("id", id).param("attempt", attempt).update() == 1;
    }

    /** Attempt {@code attempt} finds its tenant disabled: the question is closed without an answer; false when decided meanwhile. */
    boolean withdraw(UUID id, int attempt, Instant now) {
        return jdbc.sql("""
                update ai_answer set status = 'withdrawn', failure = 'tenant disabled', decided_at = ?, lease_until = null, version = version + 1
                where id = ? and status = 'pending' and attempts = ?""").params(Timestamp.from(now), id, attempt).update() == 1;
    }

    /**
     * The tenant was disabled: its questions still being answered (or waiting for the reply delay) and its
     * drafts leave for good — the conditional record of a running attempt, a reviewer's send and the
     * review job all expect {@code pending}/{@code draft} and find neither. Returns how many.
     */
    int withdrawAll(UUID tenantId, Instant now) {
        return jdbc.sql("""
                update ai_answer set verdict = case when status = 'draft' then 'tenant_disabled' else verdict end,
                    reviewed_at = case when status = 'draft' then :now else reviewed_at end, decided_at = coalesce(decided_at, :now),
                    status = 'withdrawn', failure = 'tenant disabled', lease_until = null, version = version + 1
                where tenant_id = :tenant and status in ('pending', 'draft')""")
                .param("now", Timestamp.from(now)).param("tenant", tenantId).update();
    }

    public static AnswerRow row(ResultSet rs, int i) throws SQLException {
        Timestamp claimedUntil = rs.getTimestamp("claimed_until");
        return new AnswerRow(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class), rs.getObject("conversation_id", UUID.class),
                rs.getObject("customer_id", UUID.class), rs.getObject("message_id", UUID.class), rs.getString("question"),
                rs.getString("status"), rs.getInt("attempts"), rs.getString("band"), rs.getDouble("score"), rs.getBoolean("kb_hit"),
                rs.getString("intent"), rs.getString("items"), rs.getString("draft"), rs.getString("answer"), rs.getString("model"),
                rs.getString("channel"), rs.getTimestamp("customer_wrote_at").toInstant(), rs.getTimestamp("created_at").toInstant(),
                rs.getObject("claimed_by", UUID.class), claimedUntil == null ? null : claimedUntil.toInstant(), rs.getString("verdict"),
                rs.getLong("version"));
    }
}
