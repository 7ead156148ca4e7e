package io.kefu.auth;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class StaffAndPasswordLoginIT extends AuthItSupport {

    @Test
    @SuppressWarnings("unchecked")
    void aRegisteredActiveStaffMemberSignsInWithWeChatAndOthersAreRefused() {
        Map<String, String> t = newTenant();
        String openid = unique("staff");
        Response created = call("POST", "/api/admin/staff", Map.of("tenantId", t.get("tenantId"), "name", "Agent Li",
                "wechatOpenid", openid, "roles", List.of("supervisor"), "department", "售后"), superadminToken());
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        assertThat(created.body().path("maxConcurrentChats").asInt()).isEqualTo(5);

        stubSession(t.get("appId"), t.get("secret"), "s1-" + openid, openid, null);
        Response ok = call("POST", "/api/staff/login", Map.of("code", "s1-" + openid, "appId", t.get("appId")), null);
        assertThat(ok.status()).as(ok.body().toString()).isEqualTo(200);
        assertThat(ok.body().path("user").path("roles").toString()).contains("supervisor");
        // implied roles travel in the token: supervisor can do what an agent can
        Map<String, Object> claims = TokensIT.claims(ok.body().path("accessToken").asString());
        assertThat((List<Object>) claims.get("roles")).containsExactlyInAnyOrder("supervisor", "agent");
        assertThat(claims.get("typ")).isEqualTo("staff");
        assertThat(claims.get("tid")).isEqualTo(t.get("tenantId"));

        String stranger = unique("stranger");
        stubSession(t.get("appId"), t.get("secret"), "s2-" + stranger, stranger, null);
        Response unknown = call("POST", "/api/staff/login", Map.of("code", "s2-" + stranger, "appId", t.get("appId")), null);
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.code()).isEqualTo("staff-not-registered");

        Response disabled = call("PUT", "/api/admin/staff/" + created.body().path("id").asString(), Map.of("name", "Agent Li",
                "roles", List.of("supervisor"), "active", false), superadminToken());
        assertThat(disabled.status()).as(disabled.body().toString()).isEqualTo(200);
        stubSession(t.get("appId"), t.get("secret"), "s3-" + openid, openid, null);
        Response refused = call("POST", "/api/staff/login", Map.of("code", "s3-" + openid, "appId", t.get("appId")), null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("staff-disabled");
        // deactivation also ended the earlier sign-in
        Response refresh = call("POST", "/api/auth/refresh", Map.of("refreshToken", ok.body().path("refreshToken").asString()), null);
        assertThat(refresh.status()).isEqualTo(401);
    }

    @Test
    void aWeComUseridBelongsToOneStaffMemberPerTenantAndCanBeChangedOrCleared() {
        Map<String, String> t = newTenant();
        Map<String, String> other = newTenant();
        Response li = call("POST", "/api/admin/staff", Map.of("tenantId", t.get("tenantId"), "name", "Li", "wechatOpenid", unique("o"),
                "wecomUserId", "LiSi"), superadminToken());
        assertThat(li.status()).as(li.body().toString()).isEqualTo(201);
        assertThat(li.body().path("wecomUserId").asString()).isEqualTo("LiSi");

        Response taken = call("POST", "/api/admin/staff", Map.of("tenantId", t.get("tenantId"), "name", "Wang", "wechatOpenid", unique("o"),
                "wecomUserId", "LiSi"), superadminToken());
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.code()).isEqualTo("staff-wecom-user-taken");
        // another tenant's WeCom is another corp: the same userid is someone else there
        assertThat(call("POST", "/api/admin/staff", Map.of("tenantId", other.get("tenantId"), "name", "Li elsewhere", "wechatOpenid",
                unique("o"), "wecomUserId", "LiSi"), superadminToken()).status()).isEqualTo(201);
        Response bad = call("POST", "/api/admin/staff", Map.of("tenantId", t.get("tenantId"), "name", "Bad", "wechatOpenid", unique("o"),
                "wecomUserId", "li si<script>"), superadminToken());
        assertThat(bad.status()).isEqualTo(400);

        String id = li.body().path("id").asString();
        Response cleared = call("PUT", "/api/admin/staff/" + id, Map.of("name", "Li", "wecomUserId", ""), superadminToken());
        assertThat(cleared.status()).as(cleared.body().toString()).isEqualTo(200);
        JsonNode wecomUserId = cleared.body().path("wecomUserId");
        assertThat(wecomUserId.isNull() || wecomUserId.isMissingNode()).as(cleared.body().toString()).isTrue();
        assertThat(call("POST", "/api/admin/staff", Map.of("tenantId", t.get("tenantId"), "name", "Wang", "wechatOpenid", unique("o"),
                "wecomUserId", "LiSi"), superadminToken()).status()).isEqualTo(201);
    }

    @Test
    void aTenantAdminManagesOnlyTheirOwnTenantsStaff() {
        Map<String, String> mine = newTenant();
        Map<String, String> other = newTenant();
        String username = unique("boss");
        assertThat(call("POST", "/api/admin/staff", Map.of("tenantId", mine.get("tenantId"), "name", "Boss", "username", username,
                "password", "boss-password-1", "roles", List.of("admin")), superadminToken()).status()).isEqualTo(201);
        Response theirs = call("POST", "/api/admin/staff", Map.of("tenantId", other.get("tenantId"), "name", "Other", "username",
                unique("other"), "password", "other-password-1"), superadminToken());
        String admin = call("POST", "/api/auth/login", Map.of("username", username, "password", "boss-password-1"), null)
                .body().path("accessToken").asString();

        Response created = call("POST", "/api/admin/staff", Map.of("name", "New Agent", "wechatOpenid", unique("o")), admin);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        assertThat(created.body().path("tenantId").asString()).isEqualTo(mine.get("tenantId"));
        assertThat(call("GET", "/api/admin/staff", null, admin).body().toString()).contains("New Agent").doesNotContain("Other");
        assertThat(call("GET", "/api/admin/staff/" + theirs.body().path("id").asString(), null, admin).status()).isEqualTo(404);
        assertThat(call("POST", "/api/admin/staff", Map.of("tenantId", other.get("tenantId"), "name", "X", "wechatOpenid", "y"), admin).status())
                .isEqualTo(403);
        // tenant admins are not superadmins
        Response tenants = call("GET", "/api/admin/tenants", null, admin);
        assertThat(tenants.status()).isEqualTo(403);
        assertThat(tenants.code()).isEqualTo("forbidden");
        // usernames are global
        Response dup = call("POST", "/api/admin/staff", Map.of("name", "Dup", "username", username.toUpperCase(), "password", "whatever-123"), admin);
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.code()).isEqualTo("username-taken");
    }

    @Test
    void fiveWrongPasswordsLockTheAccountUntilTheLockPeriodEnds() throws Exception {
        Map<String, String> t = newTenant();
        String username = unique("agent");
        assertThat(call("POST", "/api/admin/staff", Map.of("tenantId", t.get("tenantId"), "name", "Agent", "username", username,
                "password", "right-password"), superadminToken()).status()).isEqualTo(201);

        for (int i = 1; i <= 4; i++) {
            Response wrong = call("POST", "/api/auth/login", Map.of("username", username, "password", "wrong-" + i), null);
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.code()).isEqualTo("invalid-credentials");
        }
        Response fifth = call("POST", "/api/auth/login", Map.of("username", username, "password", "wrong-5"), null);
        assertThat(fifth.status()).isEqualTo(423);
        assertThat(fifth.code()).isEqualTo("account-locked");
        Instant lockedUntil = Instant.parse(fifth.body().path("lockedUntil").asString());
        assertThat(lockedUntil).isAfter(Instant.now());

        Response evenRight = call("POST", "/api/auth/login", Map.of("username", username, "password", "right-password"), null);
        assertThat(evenRight.status()).isEqualTo(423);

        Thread.sleep(Math.max(0, lockedUntil.toEpochMilli() - System.currentTimeMillis()) + 300);
        Response after = call("POST", "/api/auth/login", Map.of("username", username, "password", "right-password"), null);
        assertThat(after.status()).as(after.body().toString()).isEqualTo(200);
        assertThat(after.body().path("user").path("username").asString()).isEqualTo(username);

        List<String> outcomes = jdbc.queryForList("select outcome from login_audit where principal = ? order by id", String.class, username);
        assertThat(outcomes).containsExactly("wrong-password", "wrong-password", "wrong-password", "wrong-password", "locked", "locked", "success");
        assertThat(jdbc.queryForObject("select count(*) from login_audit where principal = ? and ip is not null and user_agent = 'kefu-auth-it'",
                Integer.class, username)).isEqualTo(7);
    }

    @Test
    void anUnknownUserGetsTheSameAnswerAsAWrongPasswordAndIsAudited() {
        String username = unique("nobody");
        Response response = call("POST", "/api/auth/login", Map.of("username", username, "password", "whatever"), null);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.code()).isEqualTo("invalid-credentials");
        assertThat(jdbc.queryForObject("select outcome from login_audit where principal = ?", String.class, username)).isEqualTo("unknown-user");
    }
}
