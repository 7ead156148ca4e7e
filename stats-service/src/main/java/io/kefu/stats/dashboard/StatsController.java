package io.kefu.stats.dashboard;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.stats.StatsProperties;
import io.kefu.stats.dashboard.Scope.Range;
import io.kefu.stats.metric.Agents;
import io.kefu.stats.metric.Deflections;
import io.kefu.stats.metric.Dimension;
import io.kefu.stats.metric.Drilldown;
import io.kefu.stats.metric.Metric;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/stats/**}: supervisors and admins of a tenant, the superadmin for any tenant
 * ({@code tenantId=}). Dates are days in the tenant's zone ({@code from}, {@code to}, both included).
 */
@RestController
@Tag(name = "stats")
class StatsController {

    static final ProblemType UNKNOWN_METRIC = new ProblemType("unknown-metric", HttpStatus.BAD_REQUEST, "Unknown metric");
    static final ProblemType UNKNOWN_DIMENSION = new ProblemType("unknown-dimension", HttpStatus.BAD_REQUEST, "Unknown dimension");
    static final ProblemType BAD_PAGE = new ProblemType("invalid-page", HttpStatus.BAD_REQUEST, "Invalid page");

    /** Drill-downs that are not stored metrics: who waits now, the agents and their statuses, the AI deflection verdicts. */
    static final List<String> SPECIAL = List.of("waiting", "agents", "deflection");
    static final int CSV_MAX_ROWS = 100_000;

    record MetricInfo(String code, String label, String kind) {
    }

    record Page<T>(List<T> items, int page, int pageSize, long total) {
    }

    record Breakdown(String dimension, List<StatsViews.Line> items) {
    }

    record WaitingRow(String conversationId, Instant since) {
    }

    private final Scope scope;
    private final StatsViews views;
    private final Drilldown drilldown;
    private final Deflections deflections;
    private final LiveRebuild liveRebuild;
    private final Agents agents;
    private final LiveProperties<StatsProperties> properties;
    private final Clock clock;

    StatsController(Scope scope, StatsViews views, Drilldown drilldown, Deflections deflections, LiveRebuild liveRebuild, Agents agents,
            LiveProperties<StatsProperties> properties, Clock clock) {
        this.scope = scope;
        this.views = views;
        this.drilldown = drilldown;
        this.deflections = deflections;
        this.liveRebuild = liveRebuild;
        this.agents = agents;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping("/api/stats/metrics")
    @Operation(summary = "The metric dictionary: codes, Chinese labels, kinds")
    List<MetricInfo> metrics() {
        return Arrays.stream(Metric.values()).map(m -> new MetricInfo(m.code(), m.label(), m.kind().name().toLowerCase())).toList();
    }

    @GetMapping("/api/stats/overview")
    @Operation(summary = "Every figure of a date range (default: the last 7 days); 400 invalid-range, 404 tenant-not-found")
    StatsViews.Overview overview(@RequestParam(required = false) String tenantId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        return views.overview(scope.range(tenantId, from, to, 7));
    }

    @GetMapping("/api/stats/realtime")
    @Operation(summary = "Today's figures, who waits now, agents by status, today per channel and per agent")
    StatsViews.Realtime realtime(@RequestParam(required = false) String tenantId) {
        return views.realtime(scope.today(tenantId));
    }

    @GetMapping("/api/stats/trends")
    @Operation(summary = "Figures per day (or per hour, ranges up to 31 days) of a range; default the last 7 days")
    StatsViews.Trend trends(@RequestParam(required = false) String tenantId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(defaultValue = "day") String grain) {
        if (!grain.equals("day") && !grain.equals("hour")) {
            throw new KefuProblemException(ProblemType.VALIDATION, "grain is day or hour");
        }
        Range range = scope.range(tenantId, from, to, 7);
        if (grain.equals("hour") && range.to().toEpochDay() - range.from().toEpochDay() >= 31) {
            throw new KefuProblemException(Scope.BAD_RANGE, "Hourly trends cover at most 31 days");
        }
        return views.trend(range, grain);
    }

    @GetMapping("/api/stats/by/{dimension}")
    @Operation(summary = "Every figure per agent, group or channel; 400 unknown-dimension")
    Breakdown by(@PathVariable String dimension, @RequestParam(required = false) String tenantId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        Dimension d = dimension(dimension);
        if (d == Dimension.ALL) {
            throw new KefuProblemException(UNKNOWN_DIMENSION, "Break down by agent, group or channel");
        }
        return new Breakdown(d.code(), views.breakdown(scope.range(tenantId, from, to, 7), d));
    }

    @GetMapping("/api/stats/drilldown")
    @Operation(summary = "The observations behind a figure (metric code, or waiting/agents/deflection), newest first, paged")
    Page<?> drilldown(@RequestParam String metric, @RequestParam(required = false) String tenantId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(defaultValue = "all") String dimension,
            @RequestParam(required = false) String value, @RequestParam(defaultValue = "1") String page,
            @RequestParam(defaultValue = "20") String pageSize) {
        int p = bounded(page, "page", 1, 100_000);
        int size = bounded(pageSize, "pageSize", 1, properties.get().maxPageSize());
        Dimension d = dimension(dimension);
        String v = value(value);
        Range range = scope.range(tenantId, from, to, 1);
        long offset = (long) (p - 1) * size;
        switch (metric) {
            case "waiting" -> {
                List<WaitingRow> all = liveRebuild.waiting(range.tenant()).entrySet().stream()
                        .map(e -> new WaitingRow(e.getKey(), e.getValue())).sorted(java.util.Comparator.comparing(WaitingRow::since)).toList();
                return new Page<>(all.stream().skip(offset).limit(size).toList(), p, size, all.size());
            }
            case "agents" -> {
                List<Agents.AgentView> all = agents.ofTenant(range.tenant());
                return new Page<>(all.stream().skip(offset).limit(size).toList(), p, size, all.size());
            }
            case "deflection" -> {
                Deflections.Result count = deflections.count(range.tenant(), range.start(), range.end(), properties.get().deflectionWindow(),
                        clock.instant());
                return new Page<>(deflections.rows(range.tenant(), range.start(), range.end(), properties.get().deflectionWindow(), clock.instant(),
                        size, (int) offset), p, size, count.aiConversations());
            }
            default -> {
                Metric m = metric(metric);
                return new Page<>(drilldown.page(range.tenant(), m, range.start(), range.end(), d, v, size, offset), p, size,
                        drilldown.count(range.tenant(), m, range.start(), range.end(), d, v));
            }
        }
    }

    @GetMapping(value = "/api/stats/drilldown/export", produces = "text/csv")
    @Operation(summary = "The drill-down as CSV, one row per conversation (at most 100,000 rows)")
    void export(@RequestParam String metric, @RequestParam(required = false) String tenantId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(defaultValue = "all") String dimension,
            @RequestParam(required = false) String value, HttpServletResponse response) throws IOException {
        Metric m = metric(metric);
        Dimension d = dimension(dimension);
        String v = value(value);
        Range range = scope.range(tenantId, from, to, 1);
        response.setContentType("text/csv; charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"stats-" + m.code() + "-" + range.from() + "-" + range.to() + ".csv\"");
        Writer writer = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        writer.write('\ufeff'); // Excel reads UTF-8 Chinese only with a BOM
        CSVPrinter csv = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setHeader("conversation", "metric", "first_at", "last_at",
                "observations", "value_sum", "good", "agents", "group", "channel").get());
        drilldown.perConversation(range.tenant(), m, range.start(), range.end(), d, v, CSV_MAX_ROWS, line -> {
            try {
                csv.printRecord(line.conversation(), m.code(), line.firstAt(), line.lastAt(), line.observations(), line.value(), line.good(),
                        line.agents(), line.groupName(), line.channel());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        csv.flush();
    }

    static Metric metric(String code) {
        return Metric.byCode(code).orElseThrow(() -> new KefuProblemException(UNKNOWN_METRIC, "No metric " + Texts.shorten(code),
                Map.of("known", Arrays.stream(Metric.values()).map(Metric::code).toList())));
    }

    static Dimension dimension(String code) {
        return Dimension.byCode(code).orElseThrow(() -> new KefuProblemException(UNKNOWN_DIMENSION, "No dimension " + Texts.shorten(code)
                + "; known: all, agent, group, channel"));
    }

    static @Nullable String value(@Nullable String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > 200 || value.chars().anyMatch(Character::isISOControl)) {
            throw new KefuProblemException(ProblemType.VALIDATION, "value must be at most 200 printable characters");
        }
        return value;
    }

    static int bounded(String raw, String name, int min, int max) {
        try {
            int n = Integer.parseInt(raw.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new KefuProblemException(BAD_PAGE, name + " must be a whole number from " + min + " to " + max);
    }
}
