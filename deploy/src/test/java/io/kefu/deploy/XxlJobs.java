package io.kefu.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;

/**
 * The XXL-JOB registrations the code asks for, and the SQL that gives them to the admin.
 *
 * <p>One source of truth: the handlers are the {@code @XxlJob("name")} methods of a service (and of
 * kefu-common, which every service with an executor uses); each one's schedule is its
 * {@code kefu.jobs.local.<name>.cron} (plus optional {@code route}, {@code block}, {@code param}) in the
 * service's {@code application.yml}, or in {@code kefu-common-defaults.properties} for common's jobs.
 * A service runs an executor when its {@code application.yml} sets {@code kefu.jobs.executor-port}.
 * {@code deploy/xxl-job/initdb/2-kefu-jobs.sql} is generated from this ({@link #sql()}) and
 * {@code XxlJobRegistrationTest} fails when the committed file differs.
 */
final class XxlJobs {

    static final Path SQL = CodeFacts.ROOT.resolve("deploy/xxl-job/initdb/2-kefu-jobs.sql");
    private static final Pattern HANDLER = Pattern.compile("@XxlJob\\(\\s*(?:value\\s*=\\s*)?\"([^\"]+)\"");
    private static final Pattern PLACEHOLDER = Pattern.compile("^\\$\\{[A-Za-z0-9_.-]+:(.*)}$");

    record Job(String app, String handler, String springCron, String route, String block, String param) {

        String quartzCron() {
            return quartz(springCron);
        }
    }

    record Executor(String module, String app, List<String> handlers, List<Job> jobs) {
    }

    private XxlJobs() {
    }

    /** Every service with an executor, with the handlers in its code and the jobs its configuration schedules. */
    static Map<String, Executor> executors() {
        Map<String, Executor> executors = new LinkedHashMap<>();
        Properties defaults = new Properties();
        try (var in = Files.newInputStream(CodeFacts.ROOT.resolve("common/src/main/resources/kefu-common-defaults.properties"))) {
            defaults.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> commonHandlers = handlers(CodeFacts.ROOT.resolve("common/src/main/java"));
        for (CodeFacts.Service service : CodeFacts.services().values()) {
            Path dir = CodeFacts.ROOT.resolve(service.module());
            Map<String, Object> yml = new Yaml().load(CodeFacts.read(dir.resolve("src/main/resources/application.yml")));
            if (CodeFacts.path(yml, "kefu", "jobs", "executor-port") == null) {
                continue;
            }
            Object appname = CodeFacts.path(yml, "kefu", "jobs", "appname");
            String app = appname == null ? service.name() : String.valueOf(appname);
            List<String> handlers = new ArrayList<>(handlers(dir.resolve("src/main/java")));
            handlers.addAll(commonHandlers);
            Map<String, Map<String, String>> settings = new TreeMap<>();
            defaults.forEach((k, v) -> {
                String key = (String) k;
                if (key.startsWith("kefu.jobs.local.")) {
                    put(settings, key.substring("kefu.jobs.local.".length()), String.valueOf(v));
                }
            });
            flatten(CodeFacts.path(yml, "kefu", "jobs", "local"), "", settings);
            List<Job> jobs = new ArrayList<>();
            settings.forEach((handler, s) -> jobs.add(new Job(app, handler, resolve(s.getOrDefault("cron", "")),
                    s.getOrDefault("route", "FIRST"), s.getOrDefault("block", "SERIAL_EXECUTION"), resolve(s.getOrDefault("param", "")))));
            executors.put(service.module(), new Executor(service.module(), app, List.copyOf(new TreeSet<>(handlers)), jobs));
        }
        return executors;
    }

    /** Spring's 6-field cron (seconds first) as Quartz/XXL-JOB reads it: '?' in day-of-month or day-of-week. */
    static String quartz(String spring) {
        String[] f = spring.trim().split("\\s+");
        if (f.length != 6) {
            throw new IllegalArgumentException("not a 6-field Spring cron: '" + spring + "'");
        }
        if (f[5].matches(".*\\d.*")) {
            throw new IllegalArgumentException("day-of-week as a number means different days to Spring (0-7, 1 = MON) and Quartz "
                    + "(1-7, 1 = SUN): write MON-SUN in '" + spring + "'");
        }
        if (!f[3].equals("?") && !f[5].equals("?")) {
            if (f[5].equals("*")) {
                f[5] = "?";
            } else if (f[3].equals("*")) {
                f[3] = "?";
            } else {
                throw new IllegalArgumentException("Quartz cannot restrict both day-of-month and day-of-week: '" + spring + "'");
            }
        }
        return String.join(" ", f);
    }

    /** The registration script, generated. */
    static String sql() {
        StringBuilder sql = new StringBuilder("""
                -- GENERATED from the code by deploy's XxlJobRegistrationTest: do not edit by hand.
                -- Source of truth: each service's @XxlJob handlers and its kefu.jobs.local.<handler>.cron (route, block,
                -- param) in application.yml (common's jobs: kefu-common-defaults.properties). After changing either, run
                --   make xxl-job-sql
                -- and commit this file. See deploy/README.md, "Adding a job".
                --
                -- For XXL-JOB admin 3.x (MySQL, database of the admin, e.g. `xxl_job`). Run AFTER the admin's own schema
                -- (tables_xxl_job.sql from the XXL-JOB distribution). Re-runnable: a row is inserted only if it is not there
                -- yet (matched by app_name / handler); an existing job keeps its schedule (change it in the admin, or delete
                -- the row and run this again).
                --
                -- Cron: the admin reads Quartz cron, which needs '?' in day-of-month or day-of-week, so Spring's
                -- `0 17 3 * * *` is written `0 17 3 * * ?` (same schedule). Crons are in the business time zone,
                -- Asia/Shanghai: the admin must run with TZ=Asia/Shanghai (docker-compose.yml does), as the services'
                -- local schedules do (kefu.jobs.zone). trigger_next_time is left at 0; the admin computes it.

                USE xxl_job;

                -- ---------- executor groups: one per service with an executor, appname = service name ----------
                -- address_type 0 = automatic registration. title is at most 12 characters in XXL-JOB 3.0-3.3.
                """);
        Map<String, Executor> executors = executors();
        executors.values().forEach(e -> sql.append("""
                INSERT INTO xxl_job_group (app_name, title, address_type, address_list, update_time)
                SELECT '%s', '%s', 0, NULL, NOW()
                FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM xxl_job_group WHERE app_name = '%s');
                """.formatted(e.app(), title(e.module()), e.app())));
        sql.append("""

                -- ---------- jobs: one per handler and executor ----------
                -- misfire DO_NOTHING: a missed tick is not made up (every job catches up on its next run).
                """);
        executors.values().forEach(e -> e.jobs().stream().filter(j -> !j.springCron().isBlank()).forEach(j -> sql.append("""
                -- job %s %s cron '%s' route %s block %s
                INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                                          child_jobid, trigger_status)
                SELECT g.id, '%s %s', NOW(), NOW(), 'kefu', '',
                       'CRON', '%s', 'DO_NOTHING', '%s',
                       '%s', '%s', '%s', 0,
                       0, 'BEAN', '', 'GLUE code init', NOW(),
                       '', 1
                FROM xxl_job_group g
                WHERE g.app_name = '%s'
                  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                                  WHERE i.job_group = g.id AND i.executor_handler = '%s');
                """.formatted(j.app(), j.handler(), j.quartzCron(), j.route(), j.block(),
                j.app(), j.handler(), j.quartzCron(), j.route(), j.handler(), j.param().replace("'", "''"), j.block(), j.app(), j.handler()))));
        return sql.toString();
    }

    /** The jobs a committed script registers: app, handler, Quartz cron, route and block, from its "-- job" lines. */
    static List<String> registered(String sql) {
        List<String> jobs = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^-- job (\\S+) (\\S+) cron '([^']*)' route (\\S+) block (\\S+)$").matcher(sql);
        while (m.find()) {
            jobs.add(m.group(1) + " " + m.group(2) + " '" + m.group(3) + "' " + m.group(4) + " " + m.group(5));
        }
        return jobs;
    }

    private static String title(String module) {
        String title = "Kefu " + module.replace("-service", "");
        return title.length() > 12 ? title.substring(0, 12) : title;
    }

    private static String resolve(String value) {
        Matcher m = PLACEHOLDER.matcher(value.trim());
        return m.matches() ? m.group(1) : value.trim();
    }

    @SuppressWarnings("unchecked")
    private static void flatten(Object node, String prefix, Map<String, Map<String, String>> settings) {
        if (node instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).forEach((k, v) -> flatten(v, prefix.isEmpty() ? k : prefix + "." + k, settings));
        } else if (node != null) {
            put(settings, prefix, String.valueOf(node));
        }
    }

    private static void put(Map<String, Map<String, String>> settings, String key, String value) {
        int dot = key.lastIndexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("kefu.jobs.local." + key + ": expected <handler>.cron|route|block|param|max-run");
        }
        settings.computeIfAbsent(key.substring(0, dot), h -> new TreeMap<>()).put(key.substring(dot + 1), value);
    }

    private static List<String> handlers(Path sources) {
        if (!Files.isDirectory(sources)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(sources)) {
            List<String> found = new ArrayList<>();
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                Matcher m = HANDLER.matcher(CodeFacts.read(f));
                while (m.find()) {
                    found.add(m.group(1));
                }
            });
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
