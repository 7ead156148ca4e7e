package io.kefu.stats.rollup;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsProperties;
import io.kefu.stats.metric.Dimension;
import io.kefu.stats.metric.Measurements;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Closing a day: the tenant's measurements of that day (in its time zone) summed per hour and per
 * day, for the tenant as a whole and per agent, group and channel, replace whatever rollups the day
 * had. Run again, it writes the same rows; a late measurement reopens the day (Measurements).
 */
@Component
public class Rollups {

    static final List<String> GRAINS = List.of("hour", "day");

    private final JdbcClient jdbc;
    private final LiveProperties<StatsProperties> properties;
    private final Clock clock;

    Rollups(JdbcClient jdbc, LiveProperties<StatsProperties> properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    @Transactional
    public void closeDay(UUID tenant, LocalDate day) {
        jdbc.sql("select pg_advisory_xact_lock(?)").param(Measurements.lockKey(tenant)).query().singleRow();
        ZoneId zone = properties.get().zoneOf(tenant);
        Timestamp from = Timestamp.from(day.atStartOfDay(zone).toInstant());
        Timestamp to = Timestamp.from(day.plusDays(1).atStartOfDay(zone).toInstant());
        jdbc.sql("delete from rollup where tenant_id = ? and bucket >= ? and bucket < ?").params(tenant, from, to).update();
        for (String grain : GRAINS) {
            for (Dimension dimension : Dimension.values()) {
                String value = dimension == Dimension.ALL ? "''" : "coalesce(" + column(dimension) + "::text, '')";
                jdbc.sql("insert into rollup (tenant_id, grain, bucket, metric, dimension, dim_value, cnt, total, good) "
                        + "select tenant_id, :grain, date_trunc('" + grain + "', at at time zone :zone) at time zone :zone, metric, :dimension, "
                        + value + ", count(*), coalesce(sum(value), 0), count(*) filter (where good) "
                        + "from measurement where tenant_id = :tenant and at >= :from and at < :to group by 1, 3, 4, 6")
                        .param("grain", grain).param("zone", zone.getId()).param("dimension", dimension.code()).param("tenant", tenant)
                        .param("from", from).param("to", to).update();
            }
        }
        jdbc.sql("""
                insert into closed_day (tenant_id, day, closed_at) values (?, ?, ?)
                on conflict (tenant_id, day) do update set closed_at = excluded.closed_at""")
                .params(tenant, day, Timestamp.from(clock.instant())).update();
    }

    /** Days before today (tenant zone) with measurements in the last {@code lookbackDays} that are not closed. */
    public List<LocalDate> daysToClose(UUID tenant, int lookbackDays) {
        ZoneId zone = properties.get().zoneOf(tenant);
        LocalDate today = LocalDate.now(clock.withZone(zone));
        Instant since = today.minusDays(lookbackDays).atStartOfDay(zone).toInstant();
        Instant until = today.atStartOfDay(zone).toInstant();
        return jdbc.sql("""
                select distinct (at at time zone :zone)::date d from measurement where tenant_id = :tenant and at >= :since and at < :until
                except select day from closed_day where tenant_id = :tenant order by 1""")
                .param("zone", zone.getId()).param("tenant", tenant).param("since", Timestamp.from(since)).param("until", Timestamp.from(until))
                .query((rs, i) -> rs.getObject(1, LocalDate.class)).list();
    }

    /** Deletes stored events, conversations and measurements past the retention, and rollups past theirs. */
    @Transactional
    public long cleanUp() {
        StatsProperties p = properties.get();
        Timestamp raw = Timestamp.from(clock.instant().minus(p.retention()));
        Timestamp rolled = Timestamp.from(clock.instant().minus(p.rollupRetention()));
        long deleted = jdbc.sql("delete from stored_event where occurred_at < ?").param(raw).update();
        deleted += jdbc.sql("delete from measurement where at < ?").param(raw).update();
        deleted += jdbc.sql("""
                delete from human_reply h using conversation c where h.conversation_id = c.conversation_id
                  and coalesce(c.ended_at, c.opened_at, c.queued_at, c.ai_requested_at) < ?""").param(raw).update();
        deleted += jdbc.sql("delete from conversation where coalesce(ended_at, opened_at, queued_at, ai_requested_at) < ?").param(raw).update();
        deleted += jdbc.sql("delete from rollup where bucket < ?").param(rolled).update();
        deleted += jdbc.sql("delete from closed_day where day < (?::timestamptz)::date").param(rolled).update();
        return deleted;
    }

    private static String column(Dimension dimension) {
        return switch (dimension) {
            case AGENT -> "agent_id";
            case GROUP -> "group_name";
            case CHANNEL -> "channel";
            case ALL -> "''";
        };
    }
}
