package io.kefu.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static io.kefu.deploy.CodeFacts.path;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/observability: the alert rules and Grafana dashboards query only metrics that something
 * really exposes (a meter the code registers, Spring Boot's and Micrometer's own, RabbitMQ's
 * exporter), the Operator's PrometheusRule carries exactly the rules of kefu-alerts.yml, and the
 * compose scrape config knows every service.
 */
class ObservabilityPackMatchesCodeTest {

    static final Path DIR = CodeFacts.ROOT.resolve("deploy/observability");
    /** Families exposed by Boot/Micrometer/Prometheus themselves or by RabbitMQ's plugin. */
    static final List<String> FOREIGN = List.of("up", "http_server_requests_", "jvm_", "process_", "hikaricp_", "rabbitmq_",
            "executor_", "system_", "tomcat_", "spring_", "reactor_", "application_");
    static final Pattern KEFU_METER = Pattern.compile("\"(kefu\\.[a-z0-9_.]+)\"");
    /** Identifiers followed by a label selector, a range or an operator — metric names in PromQL. */
    static final Pattern METRIC = Pattern.compile("\\b([a-z_][a-z0-9_]*)\\s*(?=\\{|\\[)|\\b(up)\\b");

    @Test
    void alertsAndDashboardsQueryOnlyMetricsThatExist() throws IOException {
        Set<String> produced = meterNamesInCode();
        List<String> queries = new ArrayList<>();
        alertExpressions(read(DIR.resolve("kefu-alerts.yml"))).forEach(queries::add);
        try (Stream<Path> files = Files.list(DIR.resolve("grafana"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                Matcher m = Pattern.compile("\"expr\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(Files.readString(f));
                while (m.find()) {
                    queries.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            }
        }
        assertThat(queries).as("queries found").hasSizeGreaterThan(10);
        Set<String> unknown = new TreeSet<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                String name = m.group(1) != null ? m.group(1) : m.group(2);
                if (isFunction(name)) {
                    continue;
                }
                boolean known = FOREIGN.stream().anyMatch(f -> f.endsWith("_") ? name.startsWith(f) : name.equals(f))
                        || produced.stream().anyMatch(p -> name.equals(p) || name.equals(p + "_total") || name.startsWith(p + "_seconds"));
                if (!known) {
                    unknown.add(name + " in " + q);
                }
            }
        }
        assertThat(unknown).as("metrics that nothing exposes (Kefu's meters: %s)", produced).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOperatorsRuleCarriesExactlyTheAlertRules() throws IOException {
        Map<String, Object> plain = new Yaml().load(read(DIR.resolve("kefu-alerts.yml")));
        Map<String, Object> operator = new Yaml().load(read(DIR.resolve("k8s/prometheusrule.yaml")));
        assertThat(operator.get("kind")).isEqualTo("PrometheusRule");
        assertThat((Map<String, Object>) operator.get("spec")).isEqualTo(plain);
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeScrapeConfigKnowsEveryService() throws IOException {
        Map<String, Object> prometheus = new Yaml().load(read(DIR.resolve("prometheus-compose.yml")));
        Set<String> targets = new TreeSet<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
            for (Map<String, Object> sc : (List<Map<String, Object>>) job.getOrDefault("static_configs", List.of())) {
                ((List<String>) sc.get("targets")).forEach(targets::add);
            }
        }
        CodeFacts.services().values().forEach(svc ->
                assertThat(targets).as("scrape target of %s (its actuator port)", svc.module())
                        .contains(svc.module() + ":" + svc.managementPort()));
        Map<String, Object> k8s = new Yaml().load(read(DIR.resolve("prometheus.yml")));
        assertThat(String.valueOf(path(k8s, "scrape_configs"))).as("every pod, not one per Service").contains("role=pod");
    }

    private static Set<String> meterNamesInCode() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(CodeFacts.ROOT)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")).toList()) {
                Matcher m = KEFU_METER.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1).replace('.', '_'));
                }
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static List<String> alertExpressions(String yaml) {
        Map<String, Object> doc = new Yaml().load(yaml);
        List<String> exprs = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                exprs.add(String.valueOf(rule.get("expr")));
            }
        }
        return exprs;
    }

    private static boolean isFunction(String name) {
        return Set.of("rate", "increase", "sum", "max", "min", "avg", "histogram_quantile", "clamp_min", "by", "without", "label_values")
                .contains(name);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
