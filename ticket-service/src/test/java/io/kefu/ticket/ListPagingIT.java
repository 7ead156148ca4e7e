package io.kefu.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The list endpoints page in one order, (created_at desc, id), whether a client walks them by {@code page}
 * (the seed's API, unchanged) or by the keyset cursor ({@code after} = the previous {@code nextCursor});
 * rows created in the same microsecond are ordered by id, never repeated or skipped between pages.
 */
class ListPagingIT extends TicketItSupport {

    @Test
    void pagesAndCursorsWalkEveryListInTheSameOrderWithTiesBrokenById() {
        UUID client = customerOf(providerA, "杭州云帆科技");
        UUID other = customerOf(providerB, "宁波海工");
        // 45 tickets of A's customer, three at each instant; 5 of B's
        jdbc.update("""
                insert into ticket (id, tenant_id, provider_id, client_id, title, content, type, priority, status, escalation_status,
                                    sla_started_at, created_at, updated_at)
                select gen_random_uuid(), ?, ?, ?, '工单 ' || i, '描述', 'system_issue', 'normal', 'open', 'normal',
                       now(), timestamptz '2026-01-01 00:00:00+00' + (i / 3) * interval '1 minute', now()
                from generate_series(1, 45) as i""", tenant, providerA, client);
        jdbc.update("""
                insert into ticket (id, tenant_id, provider_id, client_id, title, content, type, priority, status, escalation_status,
                                    sla_started_at, created_at, updated_at)
                select gen_random_uuid(), ?, ?, ?, 'B ' || i, '描述', 'complaint', 'high', 'open', 'normal', now(), now(), now()
                from generate_series(1, 5) as i""", tenant, providerB, other);
        jdbc.update("""
                insert into client (id, tenant_id, provider_id, name, purchase_date, expiry_date, status, created_at, updated_at)
                select gen_random_uuid(), ?, ?, '客户 ' || i, current_date - 30, current_date + 300, 'active',
                       timestamptz '2026-01-01 00:00:00+00' + (i / 4) * interval '1 second', now()
                from generate_series(1, 24) as i""", tenant, providerA);
        jdbc.update("""
                insert into notice (id, tenant_id, provider_id, type, title, content, read_status, created_at)
                select gen_random_uuid(), ?, ?, 'system_notification', '消息 ' || i, '内容', 'unread',
                       timestamptz '2026-01-01 00:00:00+00' + (i / 2) * interval '1 hour'
                from generate_series(1, 23) as i""", tenant, providerA);

        walk("/api/tickets", "tickets", admin, ids("select id from ticket where tenant_id = ? order by created_at desc, id", tenant));
        walk("/api/tickets", "tickets", tokenA,
                ids("select id from ticket where tenant_id = ? and provider_id = ? order by created_at desc, id", tenant, providerA));
        walk("/api/customers/" + client + "/tickets", "tickets", tokenA,
                ids("select id from ticket where client_id = ? order by created_at desc, id", client));
        walk("/api/customers", "customers", tokenA,
                ids("select id from client where tenant_id = ? and provider_id = ? order by created_at desc, id", tenant, providerA));
        walk("/api/customers", "customers", admin, ids("select id from client where tenant_id = ? order by created_at desc, id", tenant));
        walk("/api/messages", "messages", tokenA,
                ids("select id from notice where tenant_id = ? and provider_id = ? order by created_at desc, id", tenant, providerA));
    }

    @Test
    void aCursorKeepsItsFiltersAndBadCursorsAreRefused() {
        UUID client = customerOf(providerA, "杭州云帆科技");
        for (int i = 0; i < 5; i++) {
            ticket(tokenA, client, "登录失败 " + i);
            ticket(tokenA, client, "导出报错 " + i);
        }
        JsonNode first = call("GET", "/api/tickets?keyword=%E7%99%BB%E5%BD%95&pageSize=3", null, tokenA).body();
        assertThat(first.get("total").asLong()).isEqualTo(5);
        JsonNode next = call("GET", "/api/tickets?keyword=%E7%99%BB%E5%BD%95&pageSize=3&after=" + first.get("nextCursor").asString(), null,
                tokenA).body();
        assertThat(next.get("tickets").valueStream().map(t -> t.get("title").asString())).hasSize(2).allMatch(t -> t.startsWith("登录失败"));
        assertThat(next.get("nextCursor").isNull()).as("a short page is the last").isTrue();

        for (String bad : List.of("page=2&after=" + first.get("nextCursor").asString(), "after=not-a-cursor", "after=" + "A".repeat(300),
                "after=MTIzNDU2fm5vdC1hbi1pZA")) {
            Response refused = call("GET", "/api/tickets?" + bad, null, tokenA);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.body().get("field").asString()).as(bad).isEqualTo("after");
        }
        // another provider's cursor is only a position: it shows nothing of theirs
        JsonNode foreign = call("GET", "/api/tickets?after=" + first.get("nextCursor").asString(), null, tokenB).body();
        assertThat(foreign.get("tickets").size()).isZero();
    }
}
