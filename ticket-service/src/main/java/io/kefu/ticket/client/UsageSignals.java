package io.kefu.ticket.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Usage the customer's software reports (through the business's backend, with the tenant's integration
 * key or an admin token):
 * {@code login} (the customer used it), {@code feature} (a named feature was used), {@code ports}
 * (how many ports are in use now). Each batch recomputes the stored score and the last active time.
 */
@Component
public class UsageSignals {

    public record Signal(@Nullable String kind, @Nullable String feature, @Nullable Integer value, @Nullable String occurredAt) {
    }

    public record ScoreInfo(UUID customerId, int usageScore, UsageScore.Part activity, UsageScore.Part breadth, UsageScore.Part ports,
            int windowDays, String formula, @Nullable Instant lastActiveTime) {
    }

    private final Clients clients;
    private final JdbcClient jdbc;
    private final Clock clock;

    UsageSignals(Clients clients, JdbcClient jdbc, Clock clock) {
        this.clients = clients;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Signals reported with the tenant admin's token. */
    @Transactional
    public ScoreInfo record(Caller caller, UUID customerId, @Nullable List<Signal> signals) {
        caller.requireAdmin();
        return store(caller, customerId, signals);
    }

    /**
     * Signals reported by the business's software with the tenant's integration key: the key stands for
     * its tenant's admin who made it, so a customer of another tenant is a 404 like any id not the caller's.
     */
    @Transactional
    public ScoreInfo record(IntegrationKeys.Holder key, UUID customerId, @Nullable List<Signal> signals) {
        return store(new Caller(key.createdBy(), key.tenantId(), Caller.Kind.STAFF, true), customerId, signals);
    }

    private ScoreInfo store(Caller caller, UUID customerId, @Nullable List<Signal> signals) {
        Clients.ClientRef client = clients.visible(caller, customerId);
        if (signals == null || signals.isEmpty() || signals.size() > 1000) {
            throw Inputs.invalid("signals", "between 1 and 1000 signals");
        }
        Instant now = clock.instant();
        Instant latest = null;
        for (int i = 0; i < signals.size(); i++) {
            Signal s = signals.get(i);
            String field = "signals[" + i + "]";
            String kind = Inputs.text(field + ".kind", s.kind(), 16);
            if (!List.of("login", "feature", "ports").contains(kind)) {
                throw Inputs.invalid(field + ".kind", "must be one of login|feature|ports");
            }
            String feature = Inputs.optionalText(field + ".feature", s.feature(), 64);
            if (kind.equals("feature") && feature == null) {
                throw Inputs.invalid(field + ".feature", "is required for kind feature");
            }
            int value = s.value() == null ? 1 : s.value();
            if (value < 0 || value > 1_000_000) {
                throw Inputs.invalid(field + ".value", "must be between 0 and 1000000");
            }
            Instant at;
            try {
                at = s.occurredAt() == null ? now : java.time.OffsetDateTime.parse(s.occurredAt()).toInstant();
            } catch (DateTimeParseException e) {
                throw Inputs.invalid(field + ".occurredAt", "not an ISO-8601 time with offset");
            }
            if (at.isAfter(now.plus(Duration.ofMinutes(5)))) {
                throw Inputs.invalid(field + ".occurredAt", "is in the future");
            }
            jdbc.sql("insert into usage_signal (tenant_id, client_id, kind, feature, value, occurred_at) values (?, ?, ?, ?, ?, ?)")
                    .params(caller.tenantId(), customerId, kind, feature, value, java.sql.Timestamp.from(at)).update();
            latest = latest == null || at.isAfter(latest) ? at : latest;
        }
        UsageScore score = compute(customerId);
        jdbc.sql("""
                update client set usage_score = ?, last_active_time = greatest(coalesce(last_active_time, ?), ?) where id = ?""")
                .params(score.score(), java.sql.Timestamp.from(latest), java.sql.Timestamp.from(latest), client.id()).update();
        return score(caller, customerId);
    }

    @Transactional(readOnly = true)
    public ScoreInfo score(Caller caller, UUID customerId) {
        Clients.CustomerView view = clients.get(caller, customerId);
        UsageScore score = compute(customerId);
        return new ScoreInfo(customerId, score.score(), score.activity(), score.breadth(), score.ports(), UsageScore.WINDOW_DAYS,
                "score = activity + breadth + ports, rounded; signals of the last " + UsageScore.WINDOW_DAYS + " days",
                view.lastActiveTime());
    }

    private UsageScore compute(UUID customerId) {
        Instant since = clock.instant().minus(Duration.ofDays(UsageScore.WINDOW_DAYS));
        var row = jdbc.sql("""
                select count(distinct (occurred_at at time zone 'Asia/Shanghai')::date),
                       count(distinct feature) filter (where kind = 'feature'),
                       coalesce(max(value) filter (where kind = 'ports'), 0),
                       (select port_count from client where id = ?)
                from usage_signal where client_id = ? and occurred_at >= ?""")
                .params(customerId, customerId, java.sql.Timestamp.from(since))
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)}).single();
        return UsageScore.of(row[0], row[1], row[2], (int) row[3]);
    }
}
