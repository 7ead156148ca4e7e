package io.kefu.ticket;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The business's software reports usage signals with its tenant's integration key (no token): the tenant
 * admin creates, reads (never the key again), rotates and deletes it; only a hash is stored; a wrong, old,
 * deleted or other tenant's key is refused, and bad input is a 4xx that stores nothing.
 */
class IntegrationKeyIT extends TicketItSupport {

    static final String HEADER = "X-Kefu-Integration-Key";
    static final Map<String, Object> LOGIN = Map.of("signals", List.of(Map.of("kind", "login"), Map.of("kind", "feature", "feature", "reports")));

    @Test
    void theSoftwareReportsUsageWithTheTenantsKeyAndNothingElse() {
        UUID customer = customerOf(providerA, "集成客户");
        Response issued = call("POST", "/api/integration/key", null, admin);
        assertThat(issued.status()).as(issued.body().toString()).isEqualTo(201);
        String key = issued.body().get("key").asString();
        assertThat(key).startsWith("kik_").hasSizeGreaterThan(40).startsWith(issued.body().get("keyPrefix").asString());
        // only its SHA-256 is kept, with a prefix too short to use
        assertThat(jdbc.queryForObject("select count(*) from integration_key where tenant_id = ? and key_hash = sha256(convert_to(?, 'UTF8'))",
                Long.class, tenant, key)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select key_prefix from integration_key where tenant_id = ?", String.class, tenant)).hasSize(10);
        Response described = call("GET", "/api/integration/key", null, admin);
        assertThat(described.status()).isEqualTo(200);
        assertThat(described.body().toString()).doesNotContain(key);
        assertThat(described.body().get("lastUsedAt").isNull()).isTrue();

        Response reported = report(customer, key, LOGIN);
        assertThat(reported.status()).as(reported.body().toString()).isEqualTo(200);
        assertThat(reported.body().get("customerId").asString()).isEqualTo(customer.toString());
        assertThat(reported.body().get("breadth").get("value").asDouble()).isEqualTo(1.0);
        assertThat(signals(customer)).isEqualTo(2);
        assertThat(call("GET", "/api/integration/key", null, admin).body().get("lastUsedAt").isNull()).isFalse();
        // a bearer token is not needed and not looked at on this path
        assertThat(call("POST", "/api/integration/customers/" + customer + "/usage-signals", LOGIN, "not-a-jwt", Map.of(HEADER, key))
                .status()).isEqualTo(200);

        // refused: no key, a wrong key, a bearer token instead of a key
        assertThat(report(customer, null, LOGIN).status()).isEqualTo(401);
        assertThat(report(customer, key + "x", LOGIN).status()).isEqualTo(401);
        assertThat(report(customer, "kik_" + "A".repeat(43), LOGIN).status()).isEqualTo(401);
        assertThat(call("POST", "/api/integration/customers/" + customer + "/usage-signals", LOGIN, admin).status()).isEqualTo(401);

        // bad input: a clear 4xx, nothing stored
        long before = signals(customer);
        assertThat(report(customer, key, Map.of("signals", List.of())).status()).isEqualTo(400);
        assertThat(report(customer, key, Map.of("signals", List.of(Map.of("kind", "dance")))).status()).isEqualTo(400);
        assertThat(report(customer, key, Map.of("signals", List.of(Map.of("kind", "login"), Map.of("kind", "ports", "value", -1))))
                .status()).isEqualTo(400);
        assertThat(report(customer, key, Map.of("signals", List.of(Map.of("kind", "login", "occurredAt", "yesterday")))).status())
                .isEqualTo(400);
        assertThat(call("POST", "/api/integration/customers/" + customer + "/usage-signals", "{not json", null, Map.of(HEADER, key))
                .status()).isEqualTo(400);
        assertThat(call("POST", "/api/integration/customers/not-an-id/usage-signals", LOGIN, null, Map.of(HEADER, key)).status())
                .isEqualTo(400);
        assertThat(report(UUID.randomUUID(), key, LOGIN).status()).isEqualTo(404);
        assertThat(signals(customer)).isEqualTo(before);

        // rotation: the new key works, the old one no longer does
        String rotated = call("POST", "/api/integration/key", null, admin).body().get("key").asString();
        assertThat(rotated).isNotEqualTo(key);
        assertThat(report(customer, key, LOGIN).status()).isEqualTo(401);
        assertThat(report(customer, rotated, LOGIN).status()).isEqualTo(200);
        // deleted: refused
        assertThat(call("DELETE", "/api/integration/key", null, admin).status()).isEqualTo(204);
        assertThat(report(customer, rotated, LOGIN).status()).isEqualTo(401);
        assertThat(call("GET", "/api/integration/key", null, admin).status()).isEqualTo(404);
    }

    @Test
    void anotherTenantsKeyReachesNoneOfThisTenantsCustomersAndOnlyAdminsManageKeys() {
        UUID mine = customerOf(providerA, "本租户客户");
        UUID otherTenant = UUID.randomUUID();
        String otherAdmin = staff(otherTenant, "admin", "supervisor", "agent");
        String otherKey = call("POST", "/api/integration/key", null, otherAdmin).body().get("key").asString();
        String myKey = call("POST", "/api/integration/key", null, admin).body().get("key").asString();
        assertThat(report(mine, otherKey, LOGIN).status()).isEqualTo(404);
        assertThat(signals(mine)).isZero();
        assertThat(report(mine, myKey, LOGIN).status()).isEqualTo(200);

        for (String token : List.of(agent, tokenA, customer(UUID.randomUUID(), tenant))) {
            assertThat(call("POST", "/api/integration/key", null, token).status()).isEqualTo(403);
            assertThat(call("GET", "/api/integration/key", null, token).status()).isEqualTo(403);
            assertThat(call("DELETE", "/api/integration/key", null, token).status()).isEqualTo(403);
        }
        assertThat(call("POST", "/api/integration/key", null, null).status()).isEqualTo(401);
        // the other tenant's admin rotating their key does not touch this tenant's
        call("POST", "/api/integration/key", null, otherAdmin);
        assertThat(report(mine, myKey, LOGIN).status()).isEqualTo(200);
    }

    private Response report(UUID customer, String key, Object body) {
        return call("POST", "/api/integration/customers/" + customer + "/usage-signals", body, null, key == null ? Map.of() : Map.of(HEADER, key));
    }

    private long signals(UUID customer) {
        return jdbc.queryForObject("select count(*) from usage_signal where client_id = ?", Long.class, customer);
    }
}
