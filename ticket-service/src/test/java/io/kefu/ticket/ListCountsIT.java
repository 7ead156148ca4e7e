package io.kefu.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kefu.ticket.count.ListCounts;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The unfiltered lists' {@code total} comes from V16's delta tables, not from count(*): it stays exactly the
 * count(*) through creates (one by one and set-based), status changes, customers moving to another provider,
 * deletes, and folds of the deltas, also while two folds (as two instances' jobs would) run at once with
 * tickets being created.
 */
class ListCountsIT extends TicketItSupport {

    static final List<String> STATUSES = List.of("open", "processing", "resolved", "closed");

    @Autowired
    ListCounts counts;

    @Test
    void totalsStayExactThroughCreatesStatusChangesMovesAndDeletes() {
        UUID a1 = customerOf(providerA, "杭州甲一");
        UUID a2 = customerOf(providerA, "杭州甲二");
        UUID b1 = customerOf(providerB, "宁波乙一");
        totalsAreExact();

        UUID t1 = ticket(tokenA, a1, "端口无法登录");
        ticket(tokenA, a2, "报表导出失败");
        UUID t3 = ticket(tokenB, b1, "培训安排");
        totalsAreExact();

        assertThat(call("POST", "/api/tickets/" + t1 + "/reply", Map.of("content", "正在排查"), tokenA).status()).isEqualTo(200);
        assertThat(call("POST", "/api/tickets/" + t3 + "/resolve", Map.of("note", "已处理"), tokenB).status()).isEqualTo(200);
        totalsAreExact();

        // Set-based, as the benchmark seeds: one delta row per key, not one per ticket.
        jdbc.update("""
                insert into ticket (id, tenant_id, provider_id, client_id, title, content, type, priority, status, escalation_status,
                                    sla_started_at, created_at, updated_at)
                select gen_random_uuid(), ?, ?, ?, '批量 ' || i, '描述', 'system_issue', 'normal',
                       (array['open','processing','resolved','closed'])[1 + i % 4], 'normal', now(), now(), now()
                from generate_series(1, 30) as i""", tenant, providerA, a2);
        totalsAreExact();

        // A customer moved to another provider; statuses moved by one set-based statement (as the auto-close job does).
        Map<String, Object> moved = customerBody(providerB, "杭州甲二");
        assertThat(call("PUT", "/api/customers/" + a2, moved, admin).status()).isEqualTo(200);
        jdbc.update("update ticket set status = 'closed' where tenant_id = ? and status = 'resolved'", tenant);
        jdbc.update("update ticket set provider_id = ? where tenant_id = ? and client_id = ? and title like '批量 %'", providerB, tenant, a2);
        totalsAreExact();

        UUID lonely = customerOf(providerB, "无工单客户");
        totalsAreExact();
        jdbc.update("delete from client where id = ?", lonely);
        jdbc.update("delete from ticket where tenant_id = ? and title like '批量 %' and status = 'open'", tenant);
        totalsAreExact();

        int folded = counts.fold();
        assertThat(folded).as("delta rows folded away").isPositive();
        totalsAreExact();
        assertThat(jdbc.queryForObject("""
                select count(*) from (select 1 from ticket_count where tenant_id = ? group by provider_id, status having count(*) > 1) k""",
                Long.class, tenant)).as("one row per key once folded").isZero();
        assertThat(counts.fold()).as("nothing left to fold").isZero();
    }

    @Test
    void twoFoldsAtOnceWhileTicketsAreCreatedKeepEveryTotalExact() throws Exception {
        UUID a = customerOf(providerA, "杭州甲一");
        UUID b = customerOf(providerB, "宁波乙一");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            Future<?> writer = pool.submit(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        UUID id = ticket(i % 2 == 0 ? tokenA : tokenB, i % 2 == 0 ? a : b, "工单 " + i);
                        if (i % 3 == 0) {
                            call("POST", "/api/tickets/" + id + "/resolve", Map.of("note", "已处理"), i % 2 == 0 ? tokenA : tokenB);
                        }
                    }
                } finally {
                    writing.set(false);
                }
            });
            List<Future<Integer>> folds = new ArrayList<>();
            for (int instance = 0; instance < 2; instance++) {
                folds.add(pool.submit(() -> {
                    int rounds = 0;
                    while (writing.get() || rounds == 0) {
                        counts.fold();
                        // The sum and count(*) read in one statement (one snapshot), mid-way through the writes.
                        assertThat(jdbc.queryForObject("""
                                select (select count(*) from ticket where tenant_id = ?)
                                     = (select coalesce(sum(delta), 0) from ticket_count where tenant_id = ?)""", Boolean.class, tenant, tenant))
                                .isTrue();
                        rounds++;
                    }
                    return rounds;
                }));
            }
            writer.get(2, TimeUnit.MINUTES);
            for (Future<Integer> fold : folds) {
                assertThat(fold.get(2, TimeUnit.MINUTES)).isPositive();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.queryForObject("select count(*) from ticket where tenant_id = ?", Long.class, tenant)).isEqualTo(40);
        totalsAreExact();
        counts.fold();
        totalsAreExact();
    }

    /** Every unfiltered list's total (staff's, each provider's, by status) is the count(*) of its rows. */
    private void totalsAreExact() {
        for (String token : List.of(admin, tokenA, tokenB)) {
            @Nullable UUID provider = token == admin ? null : token == tokenA ? providerA : providerB;
            assertThat(total("/api/customers", token)).as("customers of " + provider)
                    .isEqualTo(count("select count(*) from client where tenant_id = ?" + (provider == null ? "" : " and provider_id = ?"),
                            provider));
            assertThat(total("/api/tickets", token)).as("tickets of " + provider)
                    .isEqualTo(count("select count(*) from ticket where tenant_id = ?" + (provider == null ? "" : " and provider_id = ?"),
                            provider));
            for (String status : STATUSES) {
                assertThat(total("/api/tickets?status=" + status, token)).as(status + " tickets of " + provider).isEqualTo(count(
                        "select count(*) from ticket where tenant_id = ? and status = '" + status + "'"
                                + (provider == null ? "" : " and provider_id = ?"), provider));
            }
        }
    }

    private long total(String path, String token) {
        Response r = call("GET", path, null, token);
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(200);
        return r.body().get("total").asLong();
    }

    private long count(String sql, @Nullable UUID provider) {
        return provider == null ? jdbc.queryForObject(sql, Long.class, tenant) : jdbc.queryForObject(sql, Long.class, tenant, provider);
    }
}
