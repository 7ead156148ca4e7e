package io.kefu.push.trace;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.security.KefuPrincipal;
import io.kefu.push.dispatch.DispatchQueues;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The seed's statistics over the messages push keeps (7 days): the dashboard's four cards (sent,
 * success rate, average send time, failures), per channel, today and a 7-day trend, and a realtime view
 * of the last minute with the sender pools. Days are days in Asia/Shanghai. Longer history is stats-service's.
 */
@RestController
@RequestMapping("/api/messages/statistics")
@Tag(name = "statistics")
class StatisticsController {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final String SENT = "status in ('sent', 'delivered')";
    private static final String FAILED = "status in ('failed', 'dead', 'unknown')";

    private final JdbcClient jdbc;
    private final DispatchQueues queues;
    private final Clock clock;

    StatisticsController(JdbcClient jdbc, DispatchQueues queues, Clock clock) {
        this.jdbc = jdbc;
        this.queues = queues;
        this.clock = clock;
    }

    record Figures(long total, long sent, long failed, long pending, double successRate, @Nullable Double avgSendMillis) {
    }

    record ChannelFigures(String channel, long total, long sent, long failed, long pending, double successRate, @Nullable Double avgSendMillis) {
    }

    record Day(LocalDate date, long total, long sent, long failed) {
    }

    record Overview(Figures totals, Figures today, List<ChannelFigures> channels, List<Day> trend, Instant since) {
    }

    record Realtime(Instant at, long acceptedLastMinute, long sentLastMinute, long failedLastMinute, double sentPerSecond,
            @Nullable Double avgSendMillisLastMinute, long pendingNow, long sendingNow, long heldOrRetryingNow, List<DispatchQueues.Pool> pools) {
    }

    @Operation(summary = "Totals, success rate, average send time, failures, per channel, today and the 7-day trend (tenant admin)")
    @GetMapping("/overview")
    Overview overview() {
        UUID tenant = TraceController.admin().tenantId();
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZONE);
        Instant since = today.minusDays(6).atStartOfDay(ZONE).toInstant();
        Instant todayStart = today.atStartOfDay(ZONE).toInstant();
        List<ChannelFigures> channels = jdbc.sql("""
                select channel, count(*), count(*) filter (where %s), count(*) filter (where %s), avg(send_millis)
                from message where tenant_id = ? and created_at >= ? group by channel order by channel""".formatted(SENT, FAILED))
                .params(tenant, Timestamp.from(since))
                .query((rs, i) -> channel(rs.getString(1).toLowerCase(Locale.ROOT), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        (Double) rs.getObject(5, Double.class)))
                .list();
        Figures totals = sum(channels);
        List<ChannelFigures> todays = jdbc.sql("""
                select channel, count(*), count(*) filter (where %s), count(*) filter (where %s), avg(send_millis)
                from message where tenant_id = ? and created_at >= ? group by channel""".formatted(SENT, FAILED))
                .params(tenant, Timestamp.from(todayStart))
                .query((rs, i) -> channel(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), (Double) rs.getObject(5, Double.class)))
                .list();
        Map<LocalDate, Day> days = new LinkedHashMap<>();
        for (int d = 6; d >= 0; d--) {
            days.put(today.minusDays(d), new Day(today.minusDays(d), 0, 0, 0));
        }
        jdbc.sql("""
                select (created_at at time zone 'Asia/Shanghai')::date, count(*), count(*) filter (where %s), count(*) filter (where %s)
                from message where tenant_id = ? and created_at >= ? group by 1""".formatted(SENT, FAILED))
                .params(tenant, Timestamp.from(since))
                .query((rs, i) -> {
                    LocalDate date = rs.getObject(1, LocalDate.class);
                    days.put(date, new Day(date, rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                    return date;
                }).list();
        return new Overview(totals, sum(todays), channels, new ArrayList<>(days.values()), since);
    }

    @Operation(summary = "The last minute: accepted, sent, failed, send rate, queue depth and the sender pools (tenant admin)")
    @GetMapping("/realtime")
    Realtime realtime() {
        UUID tenant = TraceController.admin().tenantId();
        Instant now = clock.instant();
        Timestamp minuteAgo = Timestamp.from(now.minusSeconds(60));
        return jdbc.sql("""
                select count(*) filter (where created_at >= :since),
                       count(*) filter (where sent_at >= :since),
                       count(*) filter (where %s and updated_at >= :since),
                       avg(send_millis) filter (where sent_at >= :since),
                       count(*) filter (where status in ('queued', 'scheduled', 'sending')),
                       count(*) filter (where status = 'sending'),
                       count(*) filter (where status = 'scheduled')
                from message where tenant_id = :tenant and (created_at >= :since or updated_at >= :since
                      or status in ('queued', 'scheduled', 'sending'))""".formatted(FAILED))
                .param("tenant", tenant).param("since", minuteAgo)
                .query((rs, i) -> new Realtime(now, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(2) / 60.0,
                        (Double) rs.getObject(4, Double.class), rs.getLong(5), rs.getLong(6), rs.getLong(7), queues.pools()))
                .single();
    }

    private static ChannelFigures channel(String channel, long total, long sent, long failed, @Nullable Double avg) {
        return new ChannelFigures(channel.toLowerCase(Locale.ROOT), total, sent, failed, total - sent - failed, rate(sent, failed), avg);
    }

    private static Figures sum(List<ChannelFigures> channels) {
        long total = 0;
        long sent = 0;
        long failed = 0;
        double weighted = 0;
        for (ChannelFigures c : channels) {
            total += c.total();
            sent += c.sent();
            failed += c.failed();
            weighted += c.avgSendMillis() == null ? 0 : c.avgSendMillis() * c.sent();
        }
        return new Figures(total, sent, failed, total - sent - failed, rate(sent, failed), sent == 0 ? null : weighted / sent);
    }

    private static double rate(long sent, long failed) {
        return sent + failed == 0 ? 0 : Math.round(10_000.0 * sent / (sent + failed)) / 100.0;
    }
}
