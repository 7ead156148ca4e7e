package io.kefu.auth;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Admins create service-provider accounts; providers sign in with their password (seed 004 §3.1). */
class ProviderAccountsIT extends AuthItSupport {

    @Test
    void anAdminCreatesAProviderWhoSignsInAsAProvider() {
        Map<String, String> t = newTenant();
        String username = unique("prov");
        Response created = call("POST", "/api/admin/providers", Map.of("tenantId", t.get("tenantId"), "name", "杭州某某科技",
                "username", username, "password", "provider-pass-1"), superadminToken());
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        assertThat(created.body().path("type").asString()).isEqualTo("provider");
        assertThat(created.body().toString()).doesNotContain("provider-pass-1").doesNotContain("passwordHash");
        String providerId = created.body().path("id").asString();

        Response login = call("POST", "/api/auth/login", Map.of("username", username, "password", "provider-pass-1"), null);
        assertThat(login.status()).as(login.body().toString()).isEqualTo(200);
        JsonNode claims = claims(login.body().path("accessToken").asString());
        assertThat(claims.path("typ").asString()).isEqualTo("provider");
        assertThat(claims.path("tid").asString()).isEqualTo(t.get("tenantId"));
        assertThat(claims.path("roles").toString()).isEqualTo("[\"provider\"]");

        String envelope = jdbc.queryForObject("select envelope::text from kefu_outbox where event_type = ? and envelope->>'subject' = ?",
                String.class, "auth.provider.registered.v1", providerId);
        JsonNode data = JSON.readTree(envelope).path("data");
        EventContracts.assertMatchesSample(data, "auth.provider.registered.v1", Path.of("contracts/events"));
        assertThat(data.path("username").asString()).isEqualTo(username);

        // A rename is announced with the full new state and the account's version (ticket-service keeps the name).
        Response renamed = call("PUT", "/api/admin/providers/" + providerId, Map.of("name", "杭州某某数字科技", "username", username),
                superadminToken());
        assertThat(renamed.status()).as(renamed.body().toString()).isEqualTo(200);
        String updated = jdbc.queryForObject("select envelope::text from kefu_outbox where event_type = ? and envelope->>'subject' = ?",
                String.class, "auth.provider.updated.v1", providerId);
        JsonNode changed = JSON.readTree(updated).path("data");
        EventContracts.assertMatchesSample(changed, "auth.provider.updated.v1", Path.of("contracts/events"));
        assertThat(changed.path("name").asString()).isEqualTo("杭州某某数字科技");
        assertThat(changed.path("active").asBoolean()).isTrue();
        assertThat(changed.path("version").asLong()).isGreaterThan(0);
    }

    @Test
    void aProviderNeedsAPasswordAUniqueUsernameAndIsManagedOnlyWithinItsTenant() {
        Map<String, String> mine = newTenant();
        Map<String, String> other = newTenant();
        String adminName = unique("boss");
        call("POST", "/api/admin/staff", Map.of("tenantId", mine.get("tenantId"), "name", "Boss", "username", adminName,
                "password", "boss-password-1", "roles", List.of("admin")), superadminToken());
        String admin = call("POST", "/api/auth/login", Map.of("username", adminName, "password", "boss-password-1"), null)
                .body().path("accessToken").asString();

        Response noPassword = call("POST", "/api/admin/providers", Map.of("name", "P", "username", unique("p")), admin);
        assertThat(noPassword.status()).isEqualTo(400);
        Response theirs = call("POST", "/api/admin/providers", Map.of("tenantId", other.get("tenantId"), "name", "Theirs",
                "username", unique("theirs"), "password", "their-pass-1"), superadminToken());
        assertThat(call("GET", "/api/admin/providers/" + theirs.body().path("id").asString(), null, admin).status()).isEqualTo(404);
        assertThat(call("POST", "/api/admin/providers", Map.of("tenantId", other.get("tenantId"), "name", "X",
                "username", unique("x"), "password", "x-password-1"), admin).status()).isEqualTo(403);
        Response dup = call("POST", "/api/admin/providers", Map.of("name", "Dup", "username", adminName, "password", "whatever-123"), admin);
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.code()).isEqualTo("username-taken");

        Response mineCreated = call("POST", "/api/admin/providers", Map.of("name", "Mine", "username", unique("mine"),
                "password", "mine-pass-12"), admin);
        assertThat(mineCreated.status()).isEqualTo(201);
        assertThat(call("GET", "/api/admin/providers", null, admin).body().toString()).contains("Mine").doesNotContain("Theirs");
    }

    private static JsonNode claims(String jwt) {
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])));
    }
}
