package io.kefu.auth;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityAndEventsIT extends AuthItSupport {

    static final Map<String, String> INTERNAL = Map.of("X-Kefu-Internal-Token", "kefu-local-internal-token");
    static final Path CONTRACTS = Path.of("contracts/events");

    private Response resolve(String tenantId, String kind, String appId, String value, String unionId) {
        Map<String, Object> body = new HashMap<>(Map.of("tenantId", tenantId, "kind", kind, "value", value));
        if (appId != null) {
            body.put("appId", appId);
        }
        if (unionId != null) {
            body.put("unionId", unionId);
        }
        return call("POST", "/internal/identities/resolve", body, null, INTERNAL);
    }

    @Test
    void resolveCreatesACustomerOnFirstSightAndFindsItAfterwards() {
        String tenant = newTenant().get("tenantId");
        String openid = unique("mp");
        Response first = resolve(tenant, "mp_openid", "wx-oa", openid, null);
        assertThat(first.status()).as(first.body().toString()).isEqualTo(201);
        assertThat(first.body().path("created").asBoolean()).isTrue();
        Response again = resolve(tenant, "mp_openid", "wx-oa", openid, null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("created").asBoolean()).isFalse();
        assertThat(again.body().path("customerId").asString()).isEqualTo(first.body().path("customerId").asString());
        // the same openid under another app is another identity (openids are per app)
        assertThat(resolve(tenant, "mp_openid", "wx-other", openid, null).body().path("created").asBoolean()).isTrue();
    }

    @Test
    void aUnionIdJoinsTheChannelsOfOnePerson() {
        Map<String, String> t = newTenant();
        String unionId = unique("union");
        Response oa = resolve(t.get("tenantId"), "mp_openid", "wx-oa", unique("mp"), unionId);
        String customer = oa.body().path("customerId").asString();

        // the same person then logs in to the tenant's mini-program: same unionid, other openid
        String openid = unique("mini");
        String code = unique("code");
        stubSession(t.get("appId"), t.get("secret"), code, openid, unionId);
        Response login = call("POST", "/api/auth/wechat", Map.of("code", code, "appId", t.get("appId")), null);
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body().path("user").path("id").asString()).isEqualTo(customer);

        Response wecom = resolve(t.get("tenantId"), "wecom_external_userid", "corp-1", unique("wm"), unionId);
        assertThat(wecom.body().path("customerId").asString()).isEqualTo(customer);
        assertThat(wecom.body().path("created").asBoolean()).isFalse();
        assertThat(jdbc.queryForObject("select count(*) from channel_identity where customer_id = ?::uuid", Integer.class, customer)).isEqualTo(3);
    }

    @Test
    void concurrentFirstSightsOfOneIdentityMakeOneCustomer() throws Exception {
        String tenant = newTenant().get("tenantId");
        String phone = "139" + (System.nanoTime() % 100_000_000L);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> resolve(tenant, "phone", null, phone, null));
            }
            List<Response> responses = new ArrayList<>();
            for (Future<Response> f : pool.invokeAll(calls)) {
                responses.add(f.get());
            }
            assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.body().toString()).isIn(200, 201));
            assertThat(responses.stream().map(r -> r.body().path("customerId").asString()).distinct()).hasSize(1);
            assertThat(responses.stream().filter(r -> r.body().path("created").asBoolean())).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.queryForObject("select count(*) from customer where tenant_id = ?::uuid", Integer.class, tenant)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from kefu_outbox where event_type = 'auth.customer.registered.v1' and envelope->>'tenantId' = ?",
                Integer.class, tenant)).isEqualTo(1);
    }

    @Test
    void internalApisNeedTheInternalTokenAndRefuseBadInput() {
        String tenant = newTenant().get("tenantId");
        Response noToken = call("POST", "/internal/identities/resolve", Map.of("tenantId", tenant, "kind", "phone", "value", "1"), null);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.code()).isEqualTo("unauthorized");
        Response wrong = call("POST", "/internal/identities/resolve", Map.of("tenantId", tenant, "kind", "phone", "value", "1"), null,
                Map.of("X-Kefu-Internal-Token", "kefu-local-internal-tokeX"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(resolve(tenant, "mp_openid", null, "x", null).code()).isEqualTo("validation-failed");
        assertThat(resolve(tenant, "fax_number", null, "x", null).status()).isEqualTo(400);
        Response unknownTenant = resolve(java.util.UUID.randomUUID().toString(), "phone", null, "123456", null);
        assertThat(unknownTenant.status()).isEqualTo(400);
        assertThat(unknownTenant.code()).isEqualTo("unknown-tenant");
    }

    @Test
    void registrationAndStaffChangesLandInTheOutboxMatchingTheCommittedSamples() {
        Map<String, String> t = newTenant();
        String customer = resolve(t.get("tenantId"), "phone", null, "137" + (System.nanoTime() % 100_000_000L), null)
                .body().path("customerId").asString();
        Response staff = call("POST", "/api/admin/staff", Map.of("tenantId", t.get("tenantId"), "name", "Agent Wang",
                "wechatOpenid", unique("o"), "roles", List.of("agent"), "maxConcurrentChats", 8, "department", "售前", "wecomUserId", "WangAgent"),
                superadminToken());
        String staffId = staff.body().path("id").asString();
        assertThat(call("PUT", "/api/admin/staff/" + staffId, Map.of("name", "Agent Wang", "wechatOpenid", unique("o"),
                "roles", List.of("agent", "supervisor"), "department", "售前", "active", false, "wecomUserId", "wang.agent"), superadminToken())
                .status()).isEqualTo(200);

        assertEvent("auth.customer.registered.v1", customer, data -> assertThat(data.path("channel").asString()).isEqualTo("phone"));
        assertEvent("auth.staff.created.v1", staffId, data -> {
            assertThat(data.path("maxConcurrentChats").asInt()).isEqualTo(8);
            assertThat(data.path("wecomUserId").asString()).isEqualTo("WangAgent");
        });
        assertEvent("auth.staff.updated.v1", staffId, data -> {
            assertThat(data.path("active").asBoolean()).isFalse();
            assertThat(data.path("wecomUserId").asString()).isEqualTo("wang.agent");
        });
        assertEvent("auth.staff.deactivated.v1", staffId, data -> assertThat(data.path("staffId").asString()).isEqualTo(staffId));
    }

    @Test
    void everyTenantChangeLandsInTheOutboxWithItsFullConfigMatchingTheCommittedSample() {
        String tenant = newTenant().get("tenantId");
        Response changed = call("PUT", "/api/admin/tenants/" + tenant, Map.of("name", "shop-" + unique("n"), "config",
                Map.of("autoMode", false, "blacklist", List.of("律师函"), "whitelist", List.of("vip-1"), "businessHours", "09:00-18:00",
                        "replyDelay", 5)), superadminToken());
        assertThat(changed.status()).as(changed.body().toString()).isEqualTo(200);

        List<JsonNode> events = jdbc.queryForList("select envelope::text from kefu_outbox where event_type = 'auth.tenant.configured.v1'"
                + " and envelope->>'subject' = ? order by (envelope->'data'->>'version')::int", String.class, tenant)
                .stream().map(JSON::readTree).toList();
        assertThat(events).hasSize(2); // created, then changed
        // the change has every field set (the creation left businessHours out: null)
        EventContracts.assertMatchesSample(events.get(1).path("data"), "auth.tenant.configured.v1", CONTRACTS);
        assertThat(events.get(0).path("data").path("businessHours").isNull()).isTrue();
        assertThat(events.get(0).path("data").path("autoMode").asBoolean()).isTrue();
        JsonNode latest = events.get(1).path("data");
        assertThat(latest.path("autoMode").asBoolean()).isFalse();
        assertThat(latest.path("blacklist").get(0).asString()).isEqualTo("律师函");
        assertThat(latest.path("whitelist").get(0).asString()).isEqualTo("vip-1");
        assertThat(latest.path("businessHours").asString()).isEqualTo("09:00-18:00");
        assertThat(latest.path("replyDelay").asInt()).isEqualTo(5);
        assertThat(latest.path("version").asLong()).isGreaterThan(events.get(0).path("data").path("version").asLong());
        assertThat(events.get(1).path("tenantId").asString()).isEqualTo(tenant);
    }

    private void assertEvent(String type, String subject, java.util.function.Consumer<JsonNode> check) {
        List<String> envelopes = jdbc.queryForList("select envelope::text from kefu_outbox where event_type = ? and envelope->>'subject' = ?",
                String.class, type, subject);
        assertThat(envelopes).as(type).hasSize(1);
        JsonNode envelope = JSON.readTree(envelopes.getFirst());
        assertThat(envelope.path("source").asString()).isEqualTo("auth-service");
        EventContracts.assertMatchesSample(envelope.path("data"), type, CONTRACTS);
        check.accept(envelope.path("data"));
    }
}
