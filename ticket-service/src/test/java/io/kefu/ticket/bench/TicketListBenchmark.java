package io.kefu.ticket.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.ticket.TicketItSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The list endpoints' latency with 10,000 customers and 200,000 tickets in one tenant (issue 12): seeded
 * with set-based SQL (generate_series), then each list read over HTTP, sequentially, after a warm-up;
 * p50/p95/p99/max printed (and written to {@code target/ticket-bench.txt}) with the machine's load
 * average. A measurement, not a test: no timed assertion (the development machine is shared), only that
 * every answer is a 200; CPU per request of the JVM and of the database's backends printed next to the
 * latencies, as it hardly depends on the machine's load. Run: {@code ./mvnw -pl ticket-service -am verify -Pbench} (see the README).
 */
@EnabledIfSystemProperty(named = "kefu.bench", matches = "true")
class TicketListBenchmark extends TicketItSupport {

    static final int PROVIDERS = 20;
    static final int CUSTOMERS = 10_000;
    static final int TICKETS = 200_000;
    static final int WARMUP = Integer.getInteger("kefu.bench.warmup", 50);
    static final int SAMPLES = Integer.getInteger("kefu.bench.samples", 300);
    /** {@code -Dkefu.bench.without-trigram=true}: the keyword searches as they were before V15, on the same code and data. */
    static final boolean WITHOUT_TRIGRAM = Boolean.getBoolean("kefu.bench.without-trigram");

    @Test
    void listEndpointsWithTenThousandCustomersAndTwoHundredThousandTickets() throws Exception {
        List<UUID> all = new ArrayList<>(List.of(providerA, providerB));
        for (int i = 2; i < PROVIDERS; i++) {
            UUID p = UUID.randomUUID();
            providers.registered(p, tenant, "服务商" + i, "p" + i + "-" + p, Instant.now());
            all.add(p);
        }
        long seedStart = System.nanoTime();
        seed(all);
        long seedMillis = (System.nanoTime() - seedStart) / 1_000_000;
        assertThat(jdbc.queryForObject("select count(*) from client where tenant_id = ?", Long.class, tenant)).isEqualTo(CUSTOMERS);
        assertThat(jdbc.queryForObject("select count(*) from ticket where tenant_id = ?", Long.class, tenant)).isEqualTo(TICKETS);
        UUID someCustomer = jdbc.queryForObject("select id from client where tenant_id = ? and provider_id = ? limit 1", UUID.class, tenant,
                providerA);

        Map<String, Object[]> endpoints = new LinkedHashMap<>();
        endpoints.put("staff    GET /api/customers", new Object[] {"/api/customers?page=1&pageSize=20", admin});
        endpoints.put("staff    GET /api/customers?status=expiring&region=浙江", new Object[] {"/api/customers?status=expiring&region=%E6%B5%99%E6%B1%9F", admin});
        endpoints.put("staff    GET /api/customers?keyword=客户77", new Object[] {"/api/customers?keyword=%E5%AE%A2%E6%88%B777", admin});
        endpoints.put("provider GET /api/customers", new Object[] {"/api/customers?page=1&pageSize=20", tokenA});
        endpoints.put("provider GET /api/customers?page=20", new Object[] {"/api/customers?page=20&pageSize=20", tokenA});
        endpoints.put("staff    GET /api/tickets", new Object[] {"/api/tickets?page=1&pageSize=20", admin});
        endpoints.put("staff    GET /api/tickets?status=open&type=system_issue", new Object[] {"/api/tickets?status=open&type=system_issue", admin});
        endpoints.put("staff    GET /api/tickets?escalationStatus=escalated", new Object[] {"/api/tickets?escalationStatus=escalated", admin});
        endpoints.put("staff    GET /api/tickets?page=500", new Object[] {"/api/tickets?page=500&pageSize=20", admin});
        endpoints.put("staff    GET /api/tickets?status=resolved&page=500", new Object[] {"/api/tickets?status=resolved&page=500&pageSize=20", admin});
        endpoints.put("staff    GET /api/customers?page=500", new Object[] {"/api/customers?page=500&pageSize=20", admin});
        endpoints.put("provider GET /api/tickets", new Object[] {"/api/tickets?page=1&pageSize=20", tokenA});
        endpoints.put("provider GET /api/tickets?page=500", new Object[] {"/api/tickets?page=500&pageSize=20", tokenA});
        endpoints.put("provider GET /api/tickets?status=processing", new Object[] {"/api/tickets?status=processing", tokenA});
        endpoints.put("provider GET /api/tickets?keyword=登录", new Object[] {"/api/tickets?keyword=%E7%99%BB%E5%BD%95", tokenA});
        endpoints.put("provider GET /api/tickets?keyword=报表导出", new Object[] {"/api/tickets?keyword=%E6%8A%A5%E8%A1%A8%E5%AF%BC%E5%87%BA", tokenA});
        endpoints.put("staff    GET /api/tickets?keyword=导出失败 #1234", new Object[] {"/api/tickets?keyword=%E5%AF%BC%E5%87%BA%E5%A4%B1%E8%B4%A5%20%231234", admin});
        endpoints.put("staff    GET /api/customers?keyword=1390000777", new Object[] {"/api/customers?keyword=1390000777", admin});
        endpoints.put("provider GET /api/customers/{id}/tickets", new Object[] {"/api/customers/" + someCustomer + "/tickets", tokenA});
        endpoints.put("provider GET /api/messages", new Object[] {"/api/messages?page=1&pageSize=20", tokenA});
        endpoints.put("provider GET /api/messages?page=50", new Object[] {"/api/messages?page=50&pageSize=20", tokenA});
        endpoints.put("provider GET /api/home", new Object[] {"/api/home", tokenA});

        StringBuilder report = new StringBuilder();
        report.append("ticket-service list benchmark: ").append(CUSTOMERS).append(" customers, ").append(TICKETS).append(" tickets, ")
                .append(PROVIDERS).append(" providers in one tenant; seeded in ").append(seedMillis).append(" ms; ").append(SAMPLES)
                .append(" sequential requests each after ").append(WARMUP).append(" warm-up\n");
        if (WITHOUT_TRIGRAM) {
            report.append("trigram indexes dropped after seeding (the plans before V15)\n");
        }
        report.append("load average before: ").append(loadAverage()).append('\n');
        report.append(String.format("%-58s %8s %8s %8s %8s %8s %9s %9s%n", "endpoint", "p50 ms", "p95 ms", "p99 ms", "max ms", "total",
                "jvm cpu", "db cpu"));
        for (var e : endpoints.entrySet()) {
            String path = (String) e.getValue()[0];
            // A fresh token per endpoint: on a loaded machine the whole run outlasts the tokens made before the seed.
            String token = e.getValue()[1] == admin ? staff(tenant, "admin", "supervisor", "agent") : provider(providerA, tenant);
            for (int i = 0; i < WARMUP; i++) {
                call("GET", path, null, token);
            }
            double[] millis = new double[SAMPLES];
            long total = -1;
            // CPU per request, of this JVM (service and client) and of the database's backends: unlike latency,
            // it hardly moves with the machine's load.
            long jvmCpu0 = jvmCpuNanos();
            long dbCpu0 = dbCpuTicks();
            for (int i = 0; i < SAMPLES; i++) {
                long t0 = System.nanoTime();
                Response r = call("GET", path, null, token);
                millis[i] = (System.nanoTime() - t0) / 1e6;
                assertThat(r.status()).as(e.getKey() + " " + r.body()).isEqualTo(200);
                if (total < 0 && r.body().has("total")) {
                    total = r.body().get("total").asLong();
                }
            }
            double jvmCpu = (jvmCpuNanos() - jvmCpu0) / 1e6 / SAMPLES;
            double dbCpu = (dbCpuTicks() - dbCpu0) * 1000.0 / CLOCK_TICKS / SAMPLES;
            Arrays.sort(millis);
            report.append(String.format("%-58s %8.1f %8.1f %8.1f %8.1f %8s %9.2f %9.2f%n", e.getKey(), pct(millis, 50), pct(millis, 95),
                    pct(millis, 99), millis[millis.length - 1], total < 0 ? "-" : String.valueOf(total), jvmCpu, dbCpu));
        }
        report.append("load average after: ").append(loadAverage()).append('\n');
        if (Boolean.getBoolean("kefu.bench.explain")) {
            report.append(plans(all.get(0)));
        }
        System.out.println(report);
        Files.writeString(Path.of("target/ticket-bench.txt"), report);
    }

    /** Set-based: one statement per table, spread over the providers (customer i belongs to provider i mod 20). */
    private void seed(List<UUID> providerIds) {
        UUID[] ids = providerIds.toArray(UUID[]::new);
        jdbc.update("""
                insert into client (id, tenant_id, provider_id, name, contact_person, phone, email, region, software_version, port_count,
                                    purchase_date, expiry_date, status, usage_score, last_active_time, created_at, updated_at)
                select gen_random_uuid(), ?, (?::uuid[])[1 + i % ?], '客户' || i, '联系人' || i, '139' || lpad(i::text, 8, '0'),
                       'c' || i || '@example.com', (array['浙江','江苏','上海','广东','北京'])[1 + i % 5], 'v3.' || (i % 10), 5 + i % 100,
                       current_date - 365 - (i % 300), current_date + (i % 400) - 30, 'active', i % 101, now() - (i % 1000) * interval '1 hour',
                       now() - i * interval '1 minute', now() - i * interval '1 minute'
                from generate_series(1, ?) as i""", tenant, ids, ids.length, CUSTOMERS);
        jdbc.update("""
                with c as (select id, provider_id, row_number() over (order by created_at) - 1 as n from client where tenant_id = ?)
                insert into ticket (id, tenant_id, provider_id, client_id, title, content, type, priority, status, escalation_status,
                                    assignee_id, assignee_name, sla_started_at, created_at, updated_at, resolved_at)
                select gen_random_uuid(), ?, c.provider_id, c.id,
                       (array['端口无法登录','报表导出失败','续费咨询','培训安排','功能建议','投诉响应慢'])[1 + t.i % 6] || ' #' || t.i,
                       '详细描述 ' || t.i,
                       (array['system_issue','product_suggestion','training_implementation','renewal_question','issue_escalation','complaint'])[1 + t.i % 6],
                       (array['low','normal','high','urgent'])[1 + t.i % 4],
                       (array['open','processing','resolved','closed'])[1 + (t.i / 7) % 4],
                       case when t.i % 13 = 0 then 'escalated' else 'normal' end,
                       c.provider_id, '服务商', now() - t.i * interval '10 seconds', now() - t.i * interval '10 seconds',
                       now() - t.i * interval '10 seconds', case when (t.i / 7) % 4 >= 2 then now() else null end
                from generate_series(1, ?) as t(i) join c on c.n = t.i % ?""",
                tenant, tenant, TICKETS, CUSTOMERS);
        jdbc.update("""
                insert into notice (id, tenant_id, provider_id, type, title, content, read_status, created_at)
                select gen_random_uuid(), ?, (?::uuid[])[1 + i % ?], (array['system_notification','customer_alert','ticket_update'])[1 + i % 3],
                       '消息 ' || i, '内容 ' || i, case when i % 3 = 0 then 'unread' else 'read' end, now() - i * interval '1 minute'
                from generate_series(1, 20000) as i""", tenant, ids, ids.length);
        if (WITHOUT_TRIGRAM) {
            jdbc.execute("drop index ticket_title_trgm, client_name_trgm, client_contact_trgm, client_phone_trgm");
        }
        // A steady-state table, as autovacuum leaves it: statistics, and the visibility map set so that
        // counts and page ids can come from the covering indexes alone (index-only scans).
        jdbc.execute("vacuum (analyze) client");
        jdbc.execute("vacuum (analyze) ticket");
        jdbc.execute("vacuum (analyze) notice");
    }

    /**
     * The plans of the deep pages, with {@code -Dkefu.bench.explain=true}: the statements have the shape the
     * services issue (the page's ids from the covering index, then the rows joined), with the tenant and
     * provider of the seed, so the plans are those of the seeded data.
     */
    private String plans(UUID provider) {
        Map<String, String> statements = new LinkedHashMap<>();
        String tenantId = "'" + tenant + "'";
        String providerId = "'" + provider + "'";
        statements.put("staff tickets page 500", """
                select t.*, c.name as client_name from (select t.id, t.created_at from ticket t where t.tenant_id = %s
                order by t.created_at desc, t.id limit 20 offset 9980) page join ticket t on t.id = page.id
                left join client c on c.id = t.client_id order by page.created_at desc, page.id""".formatted(tenantId));
        statements.put("staff tickets count", "select count(*) from ticket t where t.tenant_id = %s".formatted(tenantId));
        statements.put("staff tickets count status=open&type=system_issue",
                "select count(*) from ticket t where t.tenant_id = %s and t.status = 'open' and t.type = 'system_issue'".formatted(tenantId));
        statements.put("staff resolved tickets page 500", """
                select t.*, c.name as client_name from (select t.id, t.created_at from ticket t where t.tenant_id = %s and t.status = 'resolved'
                order by t.created_at desc, t.id limit 20 offset 9980) page join ticket t on t.id = page.id
                left join client c on c.id = t.client_id order by page.created_at desc, page.id""".formatted(tenantId));
        statements.put("provider tickets page 500", """
                select t.*, c.name as client_name from (select t.id, t.created_at from ticket t where t.tenant_id = %s and t.provider_id = %s
                order by t.created_at desc, t.id limit 20 offset 9980) page join ticket t on t.id = page.id
                left join client c on c.id = t.client_id order by page.created_at desc, page.id""".formatted(tenantId, providerId));
        statements.put("staff customers page 500", """
                select c.*, p.name as provider_name,
                       (select count(*) from ticket t where t.client_id = c.id and t.status in ('open', 'processing')) as unresolved
                from (select c.id, c.created_at from client c where c.tenant_id = %s order by c.created_at desc, c.id limit 20 offset 9980) page
                join client c on c.id = page.id join provider p on p.id = c.provider_id order by page.created_at desc, page.id"""
                .formatted(tenantId));
        statements.put("provider messages page 50", """
                select n.* from (select id, created_at from notice where tenant_id = %s and provider_id = %s
                order by created_at desc, id limit 20 offset 980) page join notice n on n.id = page.id order by page.created_at desc, page.id"""
                .formatted(tenantId, providerId));
        // Keyword searches as the lists issue them: V15's trigram indexes, V16's gram index for one or two
        // characters, and a page sorted from the matches when the count finds few (TicketQueries.FEW_MATCHES).
        statements.put("staff tickets count (V16: summed from ticket_count)", "select coalesce(sum(delta), 0) from ticket_count where tenant_id = %s"
                .formatted(tenantId));
        String providerTickets = "t.tenant_id = %s and t.provider_id = %s".formatted(tenantId, providerId);
        for (String[] search : List.of(new String[] {"provider tickets keyword=登录", providerTickets, "登录"},
                new String[] {"provider tickets keyword=报表导出", providerTickets, "报表导出"},
                new String[] {"staff tickets keyword=导出失败 #1234", "t.tenant_id = " + tenantId, "导出失败 #1234"})) {
            String keyword = search[2];
            boolean shortWord = keyword.codePointCount(0, keyword.length()) <= 2;
            String scanned = search[1] + (shortWord ? " and position(lower('" + keyword + "') in lower(t.title)) > 0"
                    : " and t.title ilike '%" + keyword + "%'");
            String where = shortWord ? scanned + " and text_grams(t.title) @> text_grams('" + keyword + "')" : scanned;
            String count = "select count(*) from ticket t where " + where;
            statements.put(search[0] + " count", count);
            boolean few = jdbc.queryForObject(count, Long.class) <= 2_000;
            String ids = "select t.id, t.created_at from ticket t where " + (few ? where : scanned);
            String page = few
                    ? "(with m as materialized (" + ids + ") select * from m order by created_at desc, id limit 20 offset 0) page"
                    : "(" + ids + " order by t.created_at desc, t.id limit 20 offset 0) page";
            statements.put(search[0] + " page", """
                    select t.*, c.name as client_name from %s join ticket t on t.id = page.id
                    left join client c on c.id = t.client_id order by page.created_at desc, page.id""".formatted(page));
        }
        for (String keyword : List.of("客户77", "1390000777")) {
            String where = "c.tenant_id = %s and (c.name ilike '%%%s%%' or c.contact_person ilike '%%%s%%' or c.phone like '%%%s%%')"
                    .formatted(tenantId, keyword, keyword, keyword);
            String count = "select count(*) from client c where " + where;
            statements.put("staff customers keyword=" + keyword + " count", count);
            String ids = "select c.id, c.created_at from client c where " + where;
            String page = jdbc.queryForObject(count, Long.class) <= 2_000
                    ? "(with m as materialized (" + ids + ") select * from m order by created_at desc, id limit 20 offset 0) page"
                    : "(" + ids + " order by c.created_at desc, c.id limit 20 offset 0) page";
            statements.put("staff customers keyword=" + keyword + " page", """
                    select c.* from %s join client c on c.id = page.id order by page.created_at desc, page.id""".formatted(page));
        }
        StringBuilder out = new StringBuilder("\nplans (explain analyze, buffers):\n");
        statements.forEach((name, sql) -> {
            out.append("-- ").append(name).append('\n');
            jdbc.queryForList("explain (analyze, buffers) " + sql, String.class).forEach(line -> out.append(line).append('\n'));
        });
        return out.toString();
    }

    private static double pct(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** USER_HZ of /proc/<pid>/stat (100 on Linux's common builds). */
    static final int CLOCK_TICKS = 100;

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** utime + stime of this database's backends (the pool's connections), in clock ticks; 0 where /proc cannot be read. */
    private long dbCpuTicks() {
        long ticks = 0;
        for (Integer pid : jdbc.queryForList("select pid from pg_stat_activity where datname = current_database()", Integer.class)) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (Exception e) {
                // a backend that ended meanwhile, or a database on another machine
            }
        }
        return ticks;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
