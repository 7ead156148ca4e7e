package io.kefu.stats.dashboard;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.stats.StatsProperties;
import io.kefu.stats.dashboard.Scope.Range;
import io.kefu.stats.metric.Agents;
import io.kefu.stats.metric.Agg;
import io.kefu.stats.metric.Deflections;
import io.kefu.stats.metric.Dimension;
import io.kefu.stats.metric.Metric;
import io.kefu.stats.metric.Tenants;
import io.kefu.stats.rollup.Figures;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** Turns sums into what the API and the page show: each figure with its label, its raw sums and its value. */
@Component
class StatsViews {

    record Figure(String code, String label, String kind, long count, double total, long good, @Nullable Double value) {
    }

    /**
     * Rates built from two metrics: CSAT response rate = ratings ÷ conversations handled by a human;
     * abandonment = abandoned ÷ conversations that joined the queue; AI hand-off = hand-offs ÷ AI conversations;
     * push success = messages sent ÷ messages with a final outcome; average send time over the messages sent.
     */
    record Derived(@Nullable Double csatRate, @Nullable Double csatResponseRate, @Nullable Double abandonmentRate,
            @Nullable Double aiHandoffRate, Deflections.Result deflection, @Nullable Double slaMet, @Nullable Double pushSuccessRate,
            @Nullable Double pushAvgSendMillis) {
    }

    record Overview(UUID tenantId, LocalDate from, LocalDate to, String zone, Map<String, Figure> figures, Derived derived) {
    }

    /**
     * @param agentLoad conversations held ÷ capacity of the agents online or busy (null with none)
     * @param pushPool  push-service's sender pools in use, 0-1 (null when its metrics cannot be read)
     * @param businessHours the tenant's business hours when it has readable ones (the page then shows the business-hours
     *                      figures), else null
     */
    record Realtime(Instant at, Overview today, LiveBoard.Gauges gauges, List<Line> channels, List<Line> agents, @Nullable Double agentLoad,
            @Nullable Double pushPool, @Nullable String businessHours) {
    }

    record Line(String value, String label, Map<String, Figure> figures) {
    }

    record Point(Instant bucket, Map<String, Figure> figures) {
    }

    record Trend(UUID tenantId, LocalDate from, LocalDate to, String grain, List<Point> points) {
    }

    private final Figures figures;
    private final Deflections deflections;
    private final Agents agents;
    private final LiveBoard live;
    private final LiveProperties<StatsProperties> properties;
    private final Clock clock;
    private final PushPool pushPool;
    private final Tenants tenants;

    StatsViews(Figures figures, Deflections deflections, Agents agents, LiveBoard live, LiveProperties<StatsProperties> properties, Clock clock,
            PushPool pushPool, Tenants tenants) {
        this.pushPool = pushPool;
        this.tenants = tenants;
        this.figures = figures;
        this.deflections = deflections;
        this.agents = agents;
        this.live = live;
        this.properties = properties;
        this.clock = clock;
    }

    Overview overview(Range range) {
        Map<String, Agg> sums = figures.total(range.tenant(), range.from(), range.to());
        Map<String, Figure> shown = shown(sums);
        Deflections.Result deflection = deflections.count(range.tenant(), range.start(), range.end(), properties.get().deflectionWindow(),
                clock.instant());
        Derived derived = new Derived(sum(sums, Metric.CSAT).rate(), ratio(sum(sums, Metric.CSAT).count(), sum(sums, Metric.HANDLED).count()),
                ratio(sum(sums, Metric.ABANDONED).count(), sum(sums, Metric.QUEUE_ENTERED).count()),
                ratio(sum(sums, Metric.AI_HANDOFF).count(), sum(sums, Metric.AI_CONVERSATION).count()), deflection,
                sum(sums, Metric.TICKET_RESOLVED).rate(), sum(sums, Metric.PUSH_SENT).rate(),
                sum(sums, Metric.PUSH_SENT).good() == 0 ? null : sum(sums, Metric.PUSH_SENT).total() / sum(sums, Metric.PUSH_SENT).good());
        return new Overview(range.tenant(), range.from(), range.to(), range.zone().getId(), shown, derived);
    }

    Realtime realtime(Range today) {
        long load = 0;
        long capacity = 0;
        for (Agents.AgentView a : agents.ofTenant(today.tenant())) {
            if ("online".equals(a.status()) || "busy".equals(a.status())) {
                load += a.currentLoad();
                capacity += a.maxChats();
            }
        }
        return new Realtime(clock.instant(), overview(today), live.gauges(today.tenant(), clock.instant()), breakdown(today, Dimension.CHANNEL),
                breakdown(today, Dimension.AGENT), capacity == 0 ? null : Math.min(1.0, (double) load / capacity), pushPool.use(),
                tenants.businessHours(today.tenant()));
    }

    List<Line> breakdown(Range range, Dimension dimension) {
        Map<String, Map<String, Agg>> sums = figures.sums(range.tenant(), range.from(), range.to(), dimension);
        Map<String, String> names = dimension == Dimension.AGENT ? agents.names(range.tenant()) : Map.of();
        List<Line> lines = new ArrayList<>();
        sums.forEach((value, metrics) -> lines.add(new Line(value, label(dimension, value, names), shown(metrics))));
        if (dimension == Dimension.AGENT) {
            names.forEach((id, name) -> {
                if (!sums.containsKey(id)) {
                    lines.add(new Line(id, name, shown(Map.of())));
                }
            });
        }
        lines.sort(Comparator.comparing(Line::label));
        return lines;
    }

    Trend trend(Range range, String grain) {
        List<Point> points = new ArrayList<>();
        figures.trend(range.tenant(), range.from(), range.to(), grain).forEach((bucket, sums) -> points.add(new Point(bucket, shown(sums))));
        return new Trend(range.tenant(), range.from(), range.to(), grain, points);
    }

    static Map<String, Figure> shown(Map<String, Agg> sums) {
        Map<String, Figure> out = new LinkedHashMap<>();
        for (Metric metric : Metric.values()) {
            Agg agg = sum(sums, metric);
            Double value = switch (metric.kind()) {
                case COUNT -> (double) agg.count();
                case AVG_SECONDS -> agg.average();
                case SUM_SECONDS -> agg.total();
                case RATE -> agg.rate();
            };
            out.put(metric.code(), new Figure(metric.code(), metric.label(), metric.kind().name().toLowerCase(), agg.count(), agg.total(), agg.good(),
                    value));
        }
        return out;
    }

    private static Agg sum(Map<String, Agg> sums, Metric metric) {
        return sums.getOrDefault(metric.code(), Agg.ZERO);
    }

    private static @Nullable Double ratio(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }

    private static String label(Dimension dimension, String value, Map<String, String> names) {
        if (value.isEmpty()) {
            return switch (dimension) {
                case AGENT -> "未分配";
                case GROUP -> "未分组";
                case CHANNEL -> "未知渠道";
                case ALL -> "全部";
            };
        }
        if (dimension == Dimension.CHANNEL) {
            return switch (value) {
                case "mp" -> "公众号";
                case "wecom" -> "企业微信";
                case "miniapp" -> "小程序";
                case "sms" -> "短信";
                case "email" -> "邮件";
                case "app" -> "APP";
                case "wechat" -> "微信";
                case "feishu" -> "飞书";
                default -> value;
            };
        }
        return names.getOrDefault(value, value);
    }
}
