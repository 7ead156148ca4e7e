package io.kefu.kbai.review;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kefu.kbai.answer.AnswerRow;
import io.kefu.kbai.answer.Answers;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The review queue: drafts ({@code ai_answer.status = 'draft'}). A reviewer's claim is a conditional
 * update (free, expired or already theirs), so two reviewers never hold one draft; sending and
 * rejecting need the live claim, and every exit from the queue is conditional on the draft still being
 * one, so the job and a reviewer cannot both act.
 */
@Component
class Drafts {

    private final JdbcClient jdbc;
    private final Answers answers;

    Drafts(JdbcClient jdbc, Answers answers) {
        this.jdbc = jdbc;
        this.answers = answers;
    }

    List<UUID> page(UUID tenantId, int page, int pageSize) {
        return jdbc.sql("select id from ai_answer where tenant_id = ? and status = 'draft' order by created_at limit ? offset ?")
                .params(tenantId, pageSize, (long) (page - 1) * pageSize).query(UUID.class).list();
    }

    long count(UUID tenantId) {
        return jdbc.sql("select count(*) from ai_answer where tenant_id = ? and status = 'draft'").param(tenantId).query(Long.class).single();
    }

    AnswerRow get(UUID tenantId, UUID id) {
        return answers.find(tenantId, id).orElseThrow(() -> ReviewProblems.notFound(id));
    }

    /** True when {@code reviewer} now holds the draft until {@code until}. */
    boolean claim(UUID tenantId, UUID id, UUID reviewer, Instant now, Instant until) {
        return jdbc.sql("""
                update ai_answer set claimed_by = ?, claimed_until = ?, version = version + 1
                where id = ? and tenant_id = ? and status = 'draft' and (claimed_by is null or claimed_until < ? or claimed_by = ?)""")
                .params(reviewer, Timestamp.from(until), id, tenantId, Timestamp.from(now), reviewer).update() == 1;
    }

    /** The reviewer sends; false unless they hold a live claim on a draft. */
    boolean send(UUID tenantId, UUID id, UUID reviewer, String answer, String verdict, @Nullable String savedToKb, Instant now) {
        return jdbc.sql("""
                update ai_answer set status = 'sent', answer = ?, origin = 'reviewed', verdict = ?, reviewed_by = ?, reviewed_at = ?,
                    saved_to_kb = ?, version = version + 1
                where id = ? and tenant_id = ? and status = 'draft' and claimed_by = ? and claimed_until >= ?""")
                .params(answer, verdict, reviewer, Timestamp.from(now), savedToKb, id, tenantId, reviewer, Timestamp.from(now)).update() == 1;
    }

    /** The reviewer rejects; false unless they hold a live claim on a draft. */
    boolean reject(UUID tenantId, UUID id, UUID reviewer, @Nullable String reason, Instant now) {
        return jdbc.sql("""
                update ai_answer set status = 'handed_off', verdict = 'rejected', handoff_reason = 'rejected', failure = ?,
                    reviewed_by = ?, reviewed_at = ?, version = version + 1
                where id = ? and tenant_id = ? and status = 'draft' and claimed_by = ? and claimed_until >= ?""")
                .params(reason, reviewer, Timestamp.from(now), id, tenantId, reviewer, Timestamp.from(now)).update() == 1;
    }

    /**
     * Drafts that must leave the queue now: on a windowed channel whose customer wrote before
     * {@code windowCutoff} (claimed or not: the window does not wait), or unclaimed (or with an expired
     * claim) and waiting for review since before {@code staleBefore} (from its creation, or from the
     * tenant's opening it was deferred to).
     */
    List<AnswerRow> overdue(Instant now, Instant staleBefore, Instant windowCutoff, List<String> windowChannels, int limit) {
        return jdbc.sql("select " + Answers.COLUMNS_SQL + """
                 from ai_answer where status = 'draft' and (
                    (channel = any(:channels) and customer_wrote_at < :windowCutoff)
                    or (coalesce(review_from, created_at) < :staleBefore and (claimed_until is null or claimed_until < :now)))
                order by created_at limit :limit""")
                .param("channels", windowChannels.toArray(String[]::new)).param("windowCutoff", Timestamp.from(windowCutoff))
                .param("staleBefore", Timestamp.from(staleBefore)).param("now", Timestamp.from(now)).param("limit", limit)
                .query(Answers::row).list();
    }

    /**
     * The draft's time ran out while the tenant is closed: its review clock starts again at {@code from},
     * when reviewers are back. Not conditional on the version: a claim meanwhile does not mind.
     */
    boolean deferReview(UUID id, Instant from) {
        return jdbc.sql("update ai_answer set review_from = ? where id = ? and status = 'draft'").params(Timestamp.from(from), id).update() == 1;
    }

    /** The job takes a draft out of the queue; false when a reviewer acted first. */
    boolean escalate(UUID id, long version, String verdict, Instant now) {
        return jdbc.sql("""
                update ai_answer set status = 'handed_off', verdict = ?, handoff_reason = ?, reviewed_at = ?, version = version + 1
                where id = ? and status = 'draft' and version = ?""")
                .params(verdict, verdict, Timestamp.from(now), id, version).update() == 1;
    }
}
