package io.kefu.kbai.review;

import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The AI's daily figures per tenant (seed 001): KB hit rate = questions whose best item scored at or
 * above the lower threshold ÷ questions (a question withdrawn unanswered, its tenant disabled, is none);
 * AI accuracy = drafts a reviewer sent unchanged ÷ drafts a reviewer judged (sent as is, edited or rejected — the job's time-outs judge nothing). A day is a day
 * in the tenant's zone, counted by when the question came.
 */
@Component
class DailyFigures {

    record Day(LocalDate date, long questions, long kbHits, @Nullable Double kbHitRate, long autoSent, long drafted, long reviewed,
            long sentUnchanged, @Nullable Double accuracy, long handedOff, long tokens) {
    }

    private final JdbcClient jdbc;
    private final LiveProperties<ReviewProperties> properties;

    DailyFigures(JdbcClient jdbc, LiveProperties<ReviewProperties> properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    List<Day> days(UUID tenantId, LocalDate from, LocalDate to, @Nullable String zoneName) {
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneName == null || zoneName.isBlank() ? properties.get().zone() : zoneName);
        } catch (DateTimeException e) {
            throw new KefuProblemException(ProblemType.VALIDATION, "zone is not a time zone: " + e.getMessage());
        }
        if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) > 366) {
            throw new KefuProblemException(ProblemType.VALIDATION, "from..to must be in order and at most 366 days");
        }
        return jdbc.sql("""
                select (created_at at time zone :zone)::date d,
                    count(*) filter (where status <> 'pending' and band is not null) questions,
                    count(*) filter (where kb_hit) hits,
                    count(*) filter (where origin = 'auto') auto_sent,
                    count(*) filter (where draft is not null) drafted,
                    count(*) filter (where verdict in ('sent_as_is', 'edited', 'rejected')) reviewed,
                    count(*) filter (where verdict = 'sent_as_is') unchanged,
                    count(*) filter (where status = 'handed_off') handed_off,
                    coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0) tokens
                from ai_answer where tenant_id = :tenant and created_at >= :from and created_at < :to
                group by 1 order by 1""")
                .param("zone", zone.getId()).param("tenant", tenantId)
                .param("from", Timestamp.from(from.atStartOfDay(zone).toInstant()))
                .param("to", Timestamp.from(to.plusDays(1).atStartOfDay(zone).toInstant()))
                .query((rs, i) -> {
                    long questions = rs.getLong("questions");
                    long hits = rs.getLong("hits");
                    long reviewed = rs.getLong("reviewed");
                    long unchanged = rs.getLong("unchanged");
                    return new Day(rs.getObject("d", LocalDate.class), questions, hits, questions == 0 ? null : (double) hits / questions,
                            rs.getLong("auto_sent"), rs.getLong("drafted"), reviewed, unchanged,
                            reviewed == 0 ? null : (double) unchanged / reviewed, rs.getLong("handed_off"), rs.getLong("tokens"));
                }).list();
    }
}
