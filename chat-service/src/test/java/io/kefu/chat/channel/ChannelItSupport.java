package io.kefu.chat.channel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import io.kefu.chat.ChatItSupport;
import io.kefu.common.event.EventJson;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Helpers of the channel tests (on the one shared chat-service context of {@link ChatItSupport}): WeChat
 * accounts registered through the admin API, signed callbacks, auth-service's identity answers played
 * by {@link ChatItSupport#WIREMOCK}. Every test makes its own tenant, accounts and users.
 */
abstract class ChannelItSupport extends ChatItSupport {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final SecureRandom RANDOM = new SecureRandom();

    @Autowired
    Environment environment;

    @Autowired
    JdbcTemplate jdbc;

    record Response(int status, String body, @Nullable String contentType) {

        JsonNode json() {
            return EventJson.mapper().readTree(body);
        }

        String code() {
            return json().path("code").asString();
        }
    }

    Response http(String method, String path, @Nullable String contentType, @Nullable String body, @Nullable String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().firstValue("Content-Type").orElse(null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Response json(String method, String path, @Nullable Object body, @Nullable String token) {
        return http(method, path, body == null ? null : "application/json",
                body == null ? null : EventJson.mapper().writeValueAsString(body), token);
    }

    // ---- accounts ----

    record Mp(UUID id, UUID tenantId, String appId, String token, String aesKey) {
    }

    record Wecom(UUID id, UUID tenantId, String corpId, int agentId, String token, String aesKey) {
    }

    static String hex(int length) {
        byte[] bytes = new byte[(length + 1) / 2];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).substring(0, length);
    }

    /** An Official Account registered through the admin API by the tenant's admin. */
    Mp newMp() {
        UUID tenantId = UUID.randomUUID();
        String appId = "wx" + hex(16);
        String token = "tok" + hex(10);
        String aesKey = WechatTestCrypto.newAesKey();
        Response created = json("POST", "/api/admin/channels", Map.of("kind", "mp", "name", "OA " + appId, "appId", appId,
                "secret", hex(32), "token", token, "encodingAesKey", aesKey), admin(tenantId).token());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Mp(UUID.fromString(created.json().path("id").asString()), tenantId, appId, token, aesKey);
    }

    Wecom newWecom() {
        UUID tenantId = UUID.randomUUID();
        String corpId = "ww" + hex(16);
        int agentId = 1_000_000 + RANDOM.nextInt(1_000_000);
        String token = "tok" + hex(10);
        String aesKey = WechatTestCrypto.newAesKey();
        Response created = json("POST", "/api/admin/channels", Map.of("kind", "wecom", "name", "WeCom " + corpId, "corpId", corpId,
                "agentId", agentId, "secret", "s" + hex(40), "token", token, "encodingAesKey", aesKey), admin(tenantId).token());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Wecom(UUID.fromString(created.json().path("id").asString()), tenantId, corpId, agentId, token, aesKey);
    }

    // ---- auth-service ----

    /** auth-service resolves this channel identity to {@code customerId}, after {@code delayMs}. */
    static void stubCustomer(String value, UUID customerId, int delayMs) {
        WIREMOCK.stubFor(post(urlPathEqualTo("/internal/identities/resolve")).withRequestBody(matchingJsonPath("$.value", equalTo(value)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withFixedDelay(delayMs)
                        .withBody("{\"customerId\":\"" + customerId + "\",\"created\":true}")));
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern equalTo(String value) {
        return com.github.tomakehurst.wiremock.client.WireMock.equalTo(value);
    }

    // ---- callbacks ----

    static long now() {
        return Instant.now().getEpochSecond();
    }

    static String nonce() {
        return hex(10);
    }

    Response postMpPlain(Mp mp, String xml, long timestamp) {
        String nonce = nonce();
        String signature = WechatTestCrypto.sha1(mp.token(), Long.toString(timestamp), nonce);
        return http("POST", "/callback/mp/" + mp.appId() + "?signature=" + signature + "&timestamp=" + timestamp + "&nonce=" + nonce
                + "&openid=x", "text/xml", xml, null);
    }

    /** The body WeChat sends in safe mode, with both signatures. */
    Response postMpSafe(Mp mp, String xml, long timestamp) {
        return postMpEncrypted(mp, WechatTestCrypto.encrypt(mp.aesKey(), mp.appId(), xml), timestamp);
    }

    Response postMpEncrypted(Mp mp, String encrypted, long timestamp) {
        String nonce = nonce();
        String ts = Long.toString(timestamp);
        String signature = WechatTestCrypto.sha1(mp.token(), ts, nonce);
        String msgSignature = WechatTestCrypto.sha1(mp.token(), ts, nonce, encrypted);
        String body = "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[" + encrypted + "]]></Encrypt></xml>";
        return http("POST", "/callback/mp/" + mp.appId() + "?signature=" + signature + "&timestamp=" + ts + "&nonce=" + nonce
                + "&openid=x&encrypt_type=aes&msg_signature=" + msgSignature, "text/xml", body, null);
    }

    Response postWecom(Wecom app, String xml, long timestamp) {
        String encrypted = WechatTestCrypto.encrypt(app.aesKey(), app.corpId(), xml);
        String nonce = nonce();
        String ts = Long.toString(timestamp);
        String msgSignature = WechatTestCrypto.sha1(app.token(), ts, nonce, encrypted);
        String body = "<xml><ToUserName><![CDATA[" + app.corpId() + "]]></ToUserName><AgentID><![CDATA[" + app.agentId()
                + "]]></AgentID><Encrypt><![CDATA[" + encrypted + "]]></Encrypt></xml>";
        return http("POST", "/callback/wecom/" + app.corpId() + "/" + app.agentId() + "?msg_signature=" + msgSignature + "&timestamp=" + ts
                + "&nonce=" + nonce, "text/xml", body, null);
    }

    static String mpText(String openid, long createTime, String content, long msgId) {
        return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[" + openid + "]]></FromUserName><CreateTime>"
                + createTime + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + content + "]]></Content><MsgId>"
                + msgId + "</MsgId></xml>";
    }

    static long msgId() {
        return Math.abs(RANDOM.nextLong() % 9_000_000_000_000_000L) + 1_000_000_000_000_000L;
    }

    // ---- reading the outcome ----

    long inboundRows(UUID accountId) {
        return jdbc.queryForObject("select count(*) from channel_inbound where account_id = ?", Long.class, accountId);
    }

    long messages(UUID tenantId, String channelMsgId) {
        return jdbc.queryForObject("select count(*) from message where tenant_id = ? and channel_msg_id = ?", Long.class, tenantId, channelMsgId);
    }

    /** Waits until the tenant has as many messages as {@code channelMsgIds}, then checks they are those, in this order. */
    void awaitMessagesInOrder(UUID tenantId, java.util.List<String> channelMsgIds) {
        await("all " + channelMsgIds.size() + " became messages", () -> jdbc.queryForObject(
                "select count(*) from message where tenant_id = ?", Long.class, tenantId) >= channelMsgIds.size());
        assertThat(jdbc.queryForList("select channel_msg_id from message where tenant_id = ? order by seq", String.class, tenantId))
                .containsExactlyElementsOf(channelMsgIds);
    }

    Map<String, Object> message(UUID tenantId, String channelMsgId) {
        return jdbc.queryForMap("select m.*, c.channel as conversation_channel, c.channel_user_id, c.channel_account_id, c.source, "
                + "c.customer_id from message m join conversation c on c.id = m.conversation_id where m.tenant_id = ? and m.channel_msg_id = ?",
                tenantId, channelMsgId);
    }
}
