package io.kefu.chat.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code /api/admin/channels}: a tenant's admins register and manage its accounts; secrets never come back. */
class ChannelAdminIT extends ChannelItSupport {

    @Test
    void anAdminRegistersAnOfficialAccountAndNeverSeesItsSecretsAgain() {
        UUID tenantId = UUID.randomUUID();
        String admin = admin(tenantId).token();
        String secret = hex(32);
        String token = "tok" + hex(8);
        String aesKey = WechatTestCrypto.newAesKey();
        String appId = "wx" + hex(16);

        Response created = json("POST", "/api/admin/channels", Map.of("kind", "mp", "name", "官方服务号", "appId", appId, "secret", secret,
                "token", token, "encodingAesKey", aesKey), admin);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.path("tenantId").asString()).isEqualTo(tenantId.toString());
        assertThat(body.path("kind").asString()).isEqualTo("mp");
        assertThat(body.path("appId").asString()).isEqualTo(appId);
        assertThat(body.path("enabled").asBoolean()).isTrue();
        assertThat(body.path("secretSet").asBoolean()).isTrue();
        assertThat(body.path("tokenSet").asBoolean()).isTrue();
        assertThat(body.path("aesKeySet").asBoolean()).isTrue();
        UUID id = UUID.fromString(body.path("id").asString());
        for (Response r : List.of(created, json("GET", "/api/admin/channels/" + id, null, admin), json("GET", "/api/admin/channels", null, admin))) {
            assertThat(r.status()).isIn(200, 201);
            assertThat(r.body()).doesNotContain(secret).doesNotContain(token).doesNotContain(aesKey).doesNotContain("secretEnc");
        }
        // At rest they are sealed, not plain.
        Map<String, Object> row = jdbc.queryForMap("select secret_enc, token_enc, aes_key_enc from channel_account where id = ?", id);
        assertThat(row.values()).allSatisfy(v -> assertThat((String) v).doesNotContain(secret).doesNotContain(token).doesNotContain(aesKey));
        assertThat(json("GET", "/api/admin/channels", null, admin).json().findValuesAsString("id")).containsExactly(id.toString());
    }

    @Test
    void anotherTenantsAdminCannotSeeOrChangeTheAccount() {
        Mp mp = newMp();
        String stranger = admin(UUID.randomUUID()).token();

        assertThat(json("GET", "/api/admin/channels/" + mp.id(), null, stranger).status()).isEqualTo(404);
        assertThat(json("PATCH", "/api/admin/channels/" + mp.id(), Map.of("name", "mine now"), stranger).status()).isEqualTo(404);
        assertThat(json("POST", "/api/admin/channels/" + mp.id() + "/disable", null, stranger).status()).isEqualTo(404);
        assertThat(json("GET", "/api/admin/channels", null, stranger).json().findValuesAsString("id")).doesNotContain(mp.id().toString());
        assertThat(json("GET", "/api/admin/channels?tenantId=" + mp.tenantId(), null, stranger).status()).isEqualTo(403);
    }

    @Test
    void agentsAndSupervisorsCannotManageChannels() {
        Mp mp = newMp();
        for (String token : List.of(agent(mp.tenantId()).token(), supervisor(mp.tenantId()).token(), customer(mp.tenantId()).token())) {
            Response list = json("GET", "/api/admin/channels", null, token);
            assertThat(list.status()).isEqualTo(403);
            assertThat(list.code()).isEqualTo("forbidden");
            assertThat(json("POST", "/api/admin/channels", Map.of("kind", "mp"), token).status()).isEqualTo(403);
        }
        assertThat(json("GET", "/api/admin/channels", null, null).status()).isEqualTo(401);
    }

    @Test
    void invalidInputIsRefusedFieldByField() {
        String admin = admin(UUID.randomUUID()).token();
        Map<String, Object> bad = new HashMap<>();
        bad.put("kind", "mp");
        bad.put("name", "x");
        bad.put("appId", "wechat-app");
        bad.put("secret", "short");
        bad.put("token", "a b");
        bad.put("encodingAesKey", "tooShort");

        Response response = json("POST", "/api/admin/channels", bad, admin);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.code()).isEqualTo("validation-failed");
        assertThat(response.json().path("errors").findValuesAsString("field")).containsExactlyInAnyOrder("appId", "secret", "token",
                "encodingAesKey");
        Response wecomWithoutKey = json("POST", "/api/admin/channels", Map.of("kind", "wecom", "name", "app", "corpId", "ww" + hex(16),
                "agentId", 1000002, "secret", "s" + hex(40), "token", "tok123"), admin);
        assertThat(wecomWithoutKey.status()).isEqualTo(400);
        assertThat(wecomWithoutKey.json().path("errors").findValuesAsString("field")).containsExactly("encodingAesKey");
        Response aesKeyNotBase64 = json("POST", "/api/admin/channels", Map.of("kind", "mp", "name", "oa", "appId", "wx" + hex(16),
                "secret", hex(32), "token", "tok123", "encodingAesKey", "!".repeat(43)), admin);
        assertThat(aesKeyNotBase64.status()).isEqualTo(400);
        assertThat(json("POST", "/api/admin/channels", Map.of("kind", "telegram", "name", "x"), admin).status()).isEqualTo(400);
        assertThat(json("POST", "/api/admin/channels", "{not json", admin).status()).isEqualTo(400);
    }

    @Test
    void aSecondAccountWithTheSameAppIdIsAConflict() {
        Mp mp = newMp();
        Response again = json("POST", "/api/admin/channels", Map.of("kind", "mp", "name", "copy", "appId", mp.appId(), "secret", hex(32),
                "token", "tok123"), admin(UUID.randomUUID()).token());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("conflict");
    }

    @Test
    void anAdminUpdatesSecretsAndTheCallbacksUseTheNewToken() {
        Mp mp = newMp();
        String admin = admin(mp.tenantId()).token();
        String newToken = "new" + hex(10);

        Response updated = json("PATCH", "/api/admin/channels/" + mp.id(), Map.of("name", "改名了", "token", newToken), admin);

        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("name").asString()).isEqualTo("改名了");
        assertThat(updated.body()).doesNotContain(newToken);
        Mp renewed = new Mp(mp.id(), mp.tenantId(), mp.appId(), newToken, mp.aesKey());
        String openid = "o" + hex(27);
        stubCustomer(openid, UUID.randomUUID(), 0);
        assertThat(postMpPlain(mp, mpText(openid, now(), "旧令牌", msgId()), now()).status()).isEqualTo(403);
        assertThat(postMpPlain(renewed, mpText(openid, now(), "新令牌", msgId()), now()).status()).isEqualTo(200);

        Response disabled = json("POST", "/api/admin/channels/" + mp.id() + "/disable", null, admin);
        assertThat(disabled.json().path("enabled").asBoolean()).isFalse();
        assertThat(json("POST", "/api/admin/channels/" + mp.id() + "/enable", null, admin).json().path("enabled").asBoolean()).isTrue();
    }

    @Test
    void aSuperadminNamesTheTenant() {
        String superadmin = TestTokens.token(UUID.randomUUID().toString(), null, "superadmin", List.of("superadmin"));
        UUID tenantId = UUID.randomUUID();
        Map<String, Object> command = new HashMap<>(Map.of("kind", "wecom", "name", "企业应用", "corpId", "ww" + hex(16), "agentId", 1000002,
                "secret", "s" + hex(40), "token", "tok123", "encodingAesKey", WechatTestCrypto.newAesKey()));

        assertThat(json("POST", "/api/admin/channels", command, superadmin).status()).isEqualTo(400);
        command.put("tenantId", tenantId.toString());
        Response created = json("POST", "/api/admin/channels", command, superadmin);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("tenantId").asString()).isEqualTo(tenantId.toString());
        assertThat(created.json().path("agentId").asInt()).isEqualTo(1000002);
        assertThat(json("GET", "/api/admin/channels?tenantId=" + tenantId, null, superadmin).json().findValuesAsString("id"))
                .containsExactly(created.json().path("id").asString());
    }
}
