package io.kefu.ticket;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Seed 004 §3.2 / §4.1: a provider's customers, created by tenant admins, read by the provider; usage score; expiry. */
class CustomersIT extends TicketItSupport {

    @Test
    void anAdminCreatesACustomerWithEveryFieldOfTheSeedAndTheProviderReadsIt() {
        Response created = call("POST", "/api/customers", customerBody(providerA, "温州丙贸易"), admin);
        assertThat(created.status()).isEqualTo(201);
        JsonNode c = created.body();
        for (String field : List.of("id", "name", "contactPerson", "phone", "email", "region", "softwareVersion", "portCount", "purchaseDate",
                "expiryDate", "status", "serviceProviderId", "serviceProviderName", "usageScore", "unresolvedIssues", "lastActiveTime",
                "createdAt", "updatedAt")) {
            assertThat(c.has(field)).as(field).isTrue();
        }
        assertThat(c.get("status").asString()).isEqualTo("active");
        assertThat(c.get("serviceProviderName").asString()).isEqualTo("杭州甲科技");
        assertThat(c.get("portCount").asInt()).isEqualTo(20);
        String id = c.get("id").asString();

        Response read = call("GET", "/api/customers/" + id, null, tokenA);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("name").asString()).isEqualTo("温州丙贸易");

        Map<String, Object> edit = customerBody(providerA, "温州丙贸易有限公司");
        edit.put("portCount", 50);
        Response edited = call("PUT", "/api/customers/" + id, edit, admin);
        assertThat(edited.status()).isEqualTo(200);
        assertThat(edited.body().get("portCount").asInt()).isEqualTo(50);
        assertThat(call("GET", "/api/customers/" + id, null, tokenA).body().get("name").asString()).isEqualTo("温州丙贸易有限公司");

        // a provider cannot create or edit
        assertThat(call("POST", "/api/customers", customerBody(providerA, "x"), tokenA).status()).isEqualTo(403);
        assertThat(call("PUT", "/api/customers/" + id, edit, tokenA).status()).isEqualTo(403);
    }

    @Test
    void listsArePagedAndFilteredByStatusKeywordAndRegion() {
        customerOf(providerA, "活跃一号", LocalDate.now().plusYears(1));
        customerOf(providerA, "将到期二号", LocalDate.now().plusDays(10));
        customerOf(providerA, "已过期三号", LocalDate.now().minusDays(1));
        Map<String, Object> other = customerBody(providerA, "上海丁");
        other.put("region", "上海");
        assertThat(call("POST", "/api/customers", other, admin).status()).isEqualTo(201);

        Response all = call("GET", "/api/customers?page=1&pageSize=2", null, tokenA);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body().get("total").asLong()).isEqualTo(4);
        assertThat(all.body().get("customers").size()).isEqualTo(2);
        assertThat(call("GET", "/api/customers?page=3&pageSize=2", null, tokenA).body().get("customers").size()).isZero();

        assertThat(names(call("GET", "/api/customers?status=expiring", null, tokenA))).containsExactly("将到期二号");
        assertThat(names(call("GET", "/api/customers?status=expired", null, tokenA))).containsExactly("已过期三号");
        assertThat(names(call("GET", "/api/customers?status=active", null, tokenA))).containsExactlyInAnyOrder("活跃一号", "上海丁");
        assertThat(names(call("GET", "/api/customers?region=%E4%B8%8A%E6%B5%B7", null, tokenA))).containsExactly("上海丁");
        assertThat(names(call("GET", "/api/customers?keyword=%E4%BA%8C", null, tokenA))).containsExactly("将到期二号");
        // keyword is matched literally: % and _ are not wildcards
        assertThat(call("GET", "/api/customers?keyword=%25", null, tokenA).body().get("total").asLong()).isZero();
        // staff see the tenant's customers
        assertThat(call("GET", "/api/customers", null, agent).body().get("total").asLong()).isEqualTo(4);
    }

    @Test
    void badInputIsAClear400AndNothingIsStored() {
        long before = count();
        Map<String, Object> body = customerBody(providerA, "坏数据");
        assertBad(with(body, "expiryDate", LocalDate.now().minusYears(2).toString()), "expiryDate");
        assertBad(with(body, "purchaseDate", "2024-13-45"), "purchaseDate");
        assertBad(with(body, "expiryDate", "tomorrow"), "expiryDate");
        assertBad(with(body, "portCount", -1), "portCount");
        assertBad(with(body, "name", "x".repeat(100_000)), "name");
        assertBad(with(body, "name", "a\u0000b"), "name");
        assertBad(with(body, "name", " "), "name");
        assertBad(with(body, "email", "not-an-email"), "email");
        assertBad(with(body, "serviceProviderId", "nope"), "serviceProviderId");
        // a provider of another tenant is unknown here
        UUID foreign = UUID.randomUUID();
        providers.registered(foreign, UUID.randomUUID(), "外租户", null, java.time.Instant.now());
        Response unknown = call("POST", "/api/customers", with(body, "serviceProviderId", foreign.toString()), admin);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().get("code").asString()).isEqualTo("unknown-provider");
        assertThat(call("POST", "/api/customers", with(body, "portCount", "many"), admin).status()).isEqualTo(400);
        assertThat(call("POST", "/api/customers", "{\"name\":", admin).status()).isEqualTo(400);
        assertThat(count()).isEqualTo(before);

        for (String query : List.of("pageSize=0", "pageSize=1000000", "page=0", "page=abc", "status=sleeping")) {
            Response r = call("GET", "/api/customers?" + query, null, tokenA);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.body().get("code").asString()).as(query).isIn("validation-failed", "malformed-request");
        }
        assertThat(call("GET", "/api/customers/not-a-uuid", null, tokenA).status()).isEqualTo(400);
        assertThat(call("GET", "/api/customers/" + UUID.randomUUID(), null, tokenA).status()).isEqualTo(404);
    }

    @Test
    void theUsageScoreIsComputedFromSignalsWithItsParts() {
        UUID id = customerOf(providerA, "评分客户");
        Response bad = call("POST", "/api/customers/" + id + "/usage-signals", Map.of("signals", List.of(Map.of("kind", "dance"))), admin);
        assertThat(bad.status()).isEqualTo(400);
        Response recorded = call("POST", "/api/customers/" + id + "/usage-signals", Map.of("signals", List.of(
                Map.of("kind", "login"),
                Map.of("kind", "login", "occurredAt", java.time.OffsetDateTime.now().minusDays(2).toString()),
                Map.of("kind", "feature", "feature", "reports"),
                Map.of("kind", "feature", "feature", "export"),
                Map.of("kind", "ports", "value", 10))), admin);
        assertThat(recorded.status()).as(recorded.body().toString()).isEqualTo(200);
        // activity: 2 days → 40×2/20 = 4; breadth: 2 features → 30×2/10 = 6; ports: 10/20 → 15; total 25
        Response score = call("GET", "/api/customers/" + id + "/usage-score", null, tokenA);
        assertThat(score.status()).isEqualTo(200);
        assertThat(score.body().get("usageScore").asInt()).isEqualTo(25);
        assertThat(score.body().get("ports").get("points").asDouble()).isEqualTo(15.0);
        assertThat(score.body().get("activity").get("formula").asString()).contains("activeDays");
        JsonNode customer = call("GET", "/api/customers/" + id, null, tokenA).body();
        assertThat(customer.get("usageScore").asInt()).isEqualTo(25);
        assertThat(customer.get("lastActiveTime").isNull()).isFalse();
        // providers cannot report usage; provider B cannot read A's score
        assertThat(call("POST", "/api/customers/" + id + "/usage-signals", Map.of("signals", List.of(Map.of("kind", "login"))), tokenA)
                .status()).isEqualTo(403);
        assertThat(call("GET", "/api/customers/" + id + "/usage-score", null, tokenB).status()).isEqualTo(404);
    }

    private List<String> names(Response r) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().get("customers").valueStream().map(n -> n.get("name").asString()).toList();
    }

    private void assertBad(Map<String, Object> body, String field) {
        Response r = call("POST", "/api/customers", body, admin);
        assertThat(r.status()).as(field + " " + r.body()).isEqualTo(400);
        // The problem names the field: in its detail or in its errors[] (common's input checks use errors[]).
        assertThat(r.body().toString()).as(field).contains(field);
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(body);
        copy.put(key, value);
        return copy;
    }

    private long count() {
        return jdbc.queryForObject("select count(*) from client where tenant_id = ?", Long.class, tenant);
    }
}
