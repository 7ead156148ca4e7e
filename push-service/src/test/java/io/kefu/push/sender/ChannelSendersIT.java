package io.kefu.push.sender;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.push.PushItSupport;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Each provider receives exactly the request its API documents, signature included: the played
 * provider's received request is checked field by field and its signature recomputed from what arrived.
 */
class ChannelSendersIT extends PushItSupport {

    final UUID tenant = UUID.randomUUID();
    final String admin = admin(tenant);

    @Test
    void aliyunReceivesASignedSendSms() {
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(2).withRequestBody(containing("PhoneNumbers=13912340001"))
                .willReturn(aResponse().withStatus(200).withBody("{\"Code\":\"OK\",\"BizId\":\"biz-1\",\"RequestId\":\"r\"}")));
        UUID template = template(admin, smsTemplate("aliyun-" + UUID.randomUUID()));
        UUID id = sendAndWait(admin, template, "+8613912340001", Map.of("order_no", "A 1*~", "customer_name", "张三"));
        assertThat(status(id)).isEqualTo("sent");

        LoggedRequest request = WIREMOCK.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("PhoneNumbers=13912340001"))).get(0);
        assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = new TreeMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        String signature = form.remove("Signature");
        assertThat(form).containsEntry("Action", "SendSms").containsEntry("Version", "2017-05-25").containsEntry("AccessKeyId", "test-access-key")
                .containsEntry("PhoneNumbers", "13912340001").containsEntry("SignName", "客服").containsEntry("TemplateCode", "SMS_123456")
                .containsEntry("SignatureMethod", "HMAC-SHA1").containsEntry("SignatureVersion", "1.0").containsEntry("Format", "JSON")
                .containsEntry("OutId", id.toString());
        assertThat(JSON.readTree(form.get("TemplateParam")).path("order_no").asString()).isEqualTo("A 1*~");
        assertThat(form.get("Timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(signature).isEqualTo(AliyunSmsSender.sign("POST", form, "test-secret"));
    }

    @Test
    void tencentReceivesATc3SignedSendSms() {
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(2).withHeader("X-TC-Action", equalTo("SendSms"))
                .willReturn(aResponse().withStatus(200).withBody("""
                        {"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"+8613912340002",
                        "Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6"}}""")));
        Map<String, Object> spec = new java.util.HashMap<>(smsTemplate("tencent-" + UUID.randomUUID()));
        spec.put("provider", "tencent");
        spec.put("providerTemplateId", "449739");
        UUID template = template(admin, spec);
        UUID id = sendAndWait(admin, template, "13912340002", Map.of("order_no", "B2", "customer_name", "李四"));
        assertThat(status(id)).isEqualTo("sent");
        assertThat(jdbc.queryForObject("select provider_message_id from message where id = ?", String.class, id))
                .isEqualTo("5000:1045710669157053657849499619");

        LoggedRequest request = WIREMOCK.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-TC-Action", equalTo("SendSms"))).getLast();
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.path("PhoneNumberSet").get(0).asString()).isEqualTo("+8613912340002");
        assertThat(body.path("SmsSdkAppId").asString()).isEqualTo("1400000001");
        assertThat(body.path("TemplateId").asString()).isEqualTo("449739");
        assertThat(body.path("SignName").asString()).isEqualTo("客服");
        assertThat(body.path("TemplateParamSet").toString()).isEqualTo("[\"B2\",\"李四\"]");
        assertThat(body.path("SessionContext").asString()).isEqualTo(id.toString());
        assertThat(request.getHeader("X-TC-Version")).isEqualTo("2021-01-11");
        assertThat(request.getHeader("X-TC-Region")).isEqualTo("ap-guangzhou");
        Instant at = Instant.ofEpochSecond(Long.parseLong(request.getHeader("X-TC-Timestamp")));
        String host = java.net.URI.create(WIREMOCK.baseUrl()).getRawAuthority();
        assertThat(request.getHeader("Authorization")).isEqualTo(
                TencentSmsSender.authorization("AKIDtest", "tencent-secret", host, "SendSms", request.getBodyAsString(), at));
        assertThat(request.getHeader("Authorization")).startsWith("TC3-HMAC-SHA256 Credential=AKIDtest/")
                .contains("/sms/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=");
    }

    @Test
    void jpushReceivesANotificationForAUsersDevices() {
        WIREMOCK.stubFor(post(urlEqualTo("/v3/push")).willReturn(aResponse().withStatus(200).withBody("{\"sendno\":\"0\",\"msg_id\":\"54043195528\"}")));
        UUID template = template(admin, Map.of("name", "app-" + UUID.randomUUID(), "channel", "app", "title", "工单更新",
                "content", "工单 {{ticket}} 已处理"));
        UUID id = sendAndWait(admin, template, "alias:u-42", Map.of("ticket", "T-9"));
        assertThat(status(id)).isEqualTo("sent");
        LoggedRequest request = WIREMOCK.findAll(postRequestedFor(urlEqualTo("/v3/push"))).getLast();
        assertThat(request.getHeader("Authorization")).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("jpush-app:jpush-secret".getBytes(StandardCharsets.UTF_8)));
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.path("audience").path("alias").get(0).asString()).isEqualTo("u-42");
        assertThat(body.path("notification").path("android").path("alert").asString()).isEqualTo("工单 T-9 已处理");
        assertThat(body.path("notification").path("android").path("title").asString()).isEqualTo("工单更新");
        assertThat(body.path("platform").asString()).isEqualTo("all");
    }

    @Test
    void aFeishuBotReceivesASignedText() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/open-apis/bot/v2/hook/hook-signed"))
                .willReturn(aResponse().withStatus(200).withBody("{\"code\":0,\"msg\":\"success\",\"data\":{}}")));
        UUID template = template(admin, Map.of("name", "bot-" + UUID.randomUUID(), "channel", "feishu", "kind", "bot",
                "content", "告警：{{what}}"));
        UUID id = sendAndWait(admin, template, WIREMOCK.baseUrl() + "/open-apis/bot/v2/hook/hook-signed", Map.of("what", "磁盘 90%"));
        assertThat(status(id)).isEqualTo("sent");
        LoggedRequest request = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/open-apis/bot/v2/hook/hook-signed"))).getLast();
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.path("msg_type").asString()).isEqualTo("text");
        assertThat(body.path("content").path("text").asString()).isEqualTo("告警：磁盘 90%");
        long timestamp = Long.parseLong(body.path("timestamp").asString());
        assertThat(body.path("sign").asString()).isEqualTo(FeishuBotSender.sign(timestamp, "bot-secret"));
    }

    @Test
    void anUnconfiguredChannelFailsWithAClearReason() {
        UUID template = template(admin, Map.of("name", "fs-" + UUID.randomUUID(), "channel", "feishu", "kind", "app", "content", "hi {{x}}"));
        UUID id = sendAndWait(admin, template, "ou_7d8a6e6df7621556ce0d21922b676706", Map.of("x", "1"));
        assertThat(status(id)).isEqualTo("failed");
        assertThat(call("GET", "/api/messages/traces/" + id, null, admin).body().path("failureReason").asString()).isNotBlank();
    }
}
