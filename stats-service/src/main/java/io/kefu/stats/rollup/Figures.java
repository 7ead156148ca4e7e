package io.kefu.stats.rollup;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsProperties;
import io.kefu.stats.metric.Agg;
import io.kefu.stats.metric.Dimension;
import io.kefu.stats.metric.Measurements;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The read side: sums of a date range (tenant zone, both ends included) from the rollups of closed
 * days and from the measurements of the others, summed the same way, so a figure is the same
 * before and after its day closes.
 */
@Component
public class Figures {

    private final JdbcClient jdbc;
    private final Measurements measurements;
    private final LiveProperties<StatsProperties> properties;

    Figures(JdbcClient jdbc, Measurements measurements, LiveProperties<StatsProperties> properties) {
        this.jdbc = jdbc;
        this.measurements = measurements;
        this.properties = properties;
    }

    /** dimension value ("" for ALL) → metric code → sums. */
    public Map<String, Map<String, Agg>> sums(UUID tenant, LocalDate from, LocalDate to, Dimension dimension) {
        ZoneId zone = properties.get().zoneOf(tenant);
        Set<LocalDate> closed = closedDays(tenant, from, to);
        Map<String, Map<String, Agg>> out = new HashMap<>();
        if (!closed.isEmpty()) {
            jdbc.sql("""
                    select dim_value, metric, sum(cnt), sum(total), sum(good) from rollup
                    where tenant_id = :tenant and grain = 'day' and dimension = :dimension and bucket >= :from and bucket < :to
                      and (bucket at time zone :zone)::date in (:days)
                    group by 1, 2""")
                    .param("tenant", tenant).param("dimension", dimension.code()).param("zone", zone.getId()).param("days", closed)
                    .param("from", Timestamp.from(from.atStartOfDay(zone).toInstant()))
                    .param("to", Timestamp.from(to.plusDays(1).atStartOfDay(zone).toInstant()))
                    .query((rs, i) -> {
                        add(out, rs.getString(1), rs.getString(2), new Agg(rs.getLong(3), rs.getDouble(4), rs.getLong(5)));
                        return null;
                    }).list();
        }
        for (Instant[] run : openRuns(from, to, closed, zone)) {
            measurements.aggregate(tenant, run[0], run[1], dimension).forEach((dv, metrics) -> metrics.forEach((m, agg) -> add(out, dv, m, agg)));
        }
        return out;
    }

    /** Sums for the tenant as a whole. */
    public Map<String, Agg> total(UUID tenant, LocalDate from, LocalDate to) {
        return sums(tenant, from, to, Dimension.ALL).getOrDefault("", Map.of());
    }

    /** bucket start → metric → sums, per hour or per day, every bucket of the range present (empty ones too). */
    public TreeMap<Instant, Map<String, Agg>> trend(UUID tenant, LocalDate from, LocalDate to, String grain) {
        ZoneId zone = properties.get().zoneOf(tenant);
        Set<LocalDate> closed = closedDays(tenant, from, to);
        TreeMap<Instant, Map<String, Agg>> out = new TreeMap<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            if ("hour".equals(grain)) {
                for (int h = 0; h < 24; h++) {
                    out.put(d.atStartOfDay(zone).plusHours(h).toInstant(), new HashMap<>());
                }
            } else {
                out.put(d.atStartOfDay(zone).toInstant(), new HashMap<>());
            }
        }
        if (!closed.isEmpty()) {
            jdbc.sql("""
                    select bucket, metric, cnt, total, good from rollup
                    where tenant_id = :tenant and grain = :grain and dimension = 'all' and bucket >= :from and bucket < :to
                      and (bucket at time zone :zone)::date in (:days)""")
                    .param("tenant", tenant).param("grain", grain).param("zone", zone.getId()).param("days", closed)
                    .param("from", Timestamp.from(from.atStartOfDay(zone).toInstant()))
                    .param("to", Timestamp.from(to.plusDays(1).atStartOfDay(zone).toInstant()))
                    .query((rs, i) -> {
                        out.computeIfAbsent(rs.getTimestamp(1).toInstant(), k -> new HashMap<>())
                                .merge(rs.getString(2), new Agg(rs.getLong(3), rs.getDouble(4), rs.getLong(5)), Agg::plus);
                        return null;
                    }).list();
        }
        for (Instant[] run : openRuns(from, to, closed, zone)) {
            measurements.perBucket(tenant, run[0], run[1], grain, zone).forEach((bucket, metrics) ->
                    metrics.forEach((m, agg) -> out.computeIfAbsent(bucket, k -> new HashMap<>()).merge(m, agg, Agg::plus)));
        }
        return out;
    }

    private Set<LocalDate> closedDays(UUID tenant, LocalDate from, LocalDate to) {
        return new HashSet<>(jdbc.sql("select day from closed_day where tenant_id = ? and day >= ? and day <= ?").params(tenant, from, to)
                .query((rs, i) -> rs.getObject(1, LocalDate.class)).list());
    }

    /** Contiguous runs of days not closed, as [start, end) instants. */
    private static List<Instant[]> openRuns(LocalDate from, LocalDate to, Set<LocalDate> closed, ZoneId zone) {
        List<Instant[]> runs = new ArrayList<>();
        LocalDate start = null;
        for (LocalDate d = from; !d.isAfter(to.plusDays(1)); d = d.plusDays(1)) {
            boolean open = !d.isAfter(to) && !closed.contains(d);
            if (open && start == null) {
                start = d;
            } else if (!open && start != null) {
                runs.add(new Instant[] {start.atStartOfDay(zone).toInstant(), d.atStartOfDay(zone).toInstant()});
                start = null;
            }
        }
        return runs;
    }

    private static void add(Map<String, Map<String, Agg>> out, String dv, String metric, Agg agg) {
        out.computeIfAbsent(dv, k -> new HashMap<>()).merge(metric, agg, Agg::plus);
    }
}
