package io.kefu.push.sender;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.push.PushItSupport;
import io.kefu.push.receipt.ReceiptJobs;
import io.kefu.push.template.Template;
import io.kefu.push.template.Templates;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A bulk lot's messages go to the providers' batch APIs. Aliyun {@code SendBatchSms}: the exact request (three
 * JSON arrays in the same order, signature v1 over it), each number once, each message its own outcome and
 * trace; the receipts, which share the call's BizId, find their message by the number; a refusal that may be
 * one number's sends the others alone. Tencent {@code SendSms} with a {@code PhoneNumberSet}: each number its own
 * status and SerialNo. JPush: one push to a list of registration ids.
 */
class BatchSendersIT extends PushItSupport {

    final UUID tenant = UUID.randomUUID();
    final String admin = admin(tenant);

    @Autowired
    AliyunSmsSender aliyun;
    @Autowired
    TencentSmsSender tencent;
    @Autowired
    JPushSender jpush;
    @Autowired
    Templates templates;
    @Autowired
    ReceiptJobs receipts;

    static Map<String, String> form(LoggedRequest request) {
        Map<String, String> form = new TreeMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    @Test
    void aBatchGoesOutInSignedSendBatchSmsCallsEachNumberOnceAndReceiptsFindTheirMessage() {
        String code = "SMS_B" + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1_000_000_000L);
        String bizId = "biz-" + code;
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing("TemplateCode=" + code))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"" + bizId + "\",\"RequestId\":\"r\"}")));
        Map<String, Object> spec = new HashMap<>(smsTemplate("batch-" + UUID.randomUUID()));
        spec.put("providerTemplateId", code);
        UUID template = template(admin, spec);
        List<Object> recipients = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            recipients.add(String.format("1371234%04d", i));
        }
        recipients.set(7, Map.of("recipient", "+8613712340007", "variables", Map.of("customer_name", "王五")));
        Response accepted = call("POST", "/api/messages/send-batch", Map.of("template_id", template, "recipients", recipients,
                "variables", Map.of("order_no", "B-1", "customer_name", "客户"), "priority", 2), admin);
        assertThat(accepted.status()).isEqualTo(202);
        String batchId = accepted.body().path("batchId").asString();
        await("the batch is sent", Duration.ofMinutes(2), () -> jdbc.queryForObject(
                "select count(*) from message where batch_id = ?::uuid and status = 'sent'", Long.class, batchId) == 120);

        List<LoggedRequest> calls = WIREMOCK.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("TemplateCode=" + code)));
        List<String> received = new ArrayList<>();
        calls.forEach(r -> received.addAll(aliyunRecipients(r.getBodyAsString())));
        assertThat(received).as("each number once").hasSize(120).doesNotHaveDuplicates();
        assertThat(calls.size()).as("far fewer calls than messages").isLessThan(120);
        LoggedRequest batch = calls.stream().filter(r -> r.getBodyAsString().contains("Action=SendBatchSms")).findFirst().orElseThrow();
        assertThat(batch.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = form(batch);
        String signature = form.remove("Signature");
        assertThat(form.keySet()).containsExactly("AccessKeyId", "Action", "Format", "PhoneNumberJson", "RegionId", "SignNameJson",
                "SignatureMethod", "SignatureNonce", "SignatureVersion", "TemplateCode", "TemplateParamJson", "Timestamp", "Version");
        assertThat(form).containsEntry("Action", "SendBatchSms").containsEntry("Version", "2017-05-25")
                .containsEntry("AccessKeyId", "test-access-key").containsEntry("TemplateCode", code).containsEntry("Format", "JSON")
                .containsEntry("SignatureMethod", "HMAC-SHA1").containsEntry("SignatureVersion", "1.0").containsEntry("RegionId", "cn-hangzhou");
        assertThat(form.get("Timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(signature).isEqualTo(AliyunSmsSender.sign("POST", form, "test-secret"));
        JsonNode phones = JSON.readTree(form.get("PhoneNumberJson"));
        JsonNode signs = JSON.readTree(form.get("SignNameJson"));
        JsonNode params = JSON.readTree(form.get("TemplateParamJson"));
        assertThat(phones.size()).isBetween(2, 100);
        assertThat(signs.size()).isEqualTo(phones.size());
        assertThat(params.size()).isEqualTo(phones.size());
        for (int i = 0; i < phones.size(); i++) {
            assertThat(phones.get(i).asString()).matches("1371234\\d{4}");
            assertThat(signs.get(i).asString()).isEqualTo("客服");
            assertThat(params.get(i).path("order_no").asString()).isEqualTo("B-1");
            assertThat(params.get(i).path("customer_name").asString()).isEqualTo(phones.get(i).asString().equals("13712340007") ? "王五" : "客户");
        }

        // each message its own row and trace, all with the call's BizId
        assertThat(jdbc.queryForList("select distinct provider_message_id from message where batch_id = ?::uuid", String.class, batchId))
                .containsExactly(bizId);
        UUID seventh = jdbc.queryForObject("select id from message where batch_id = ?::uuid and recipient = '+8613712340007'", UUID.class, batchId);
        assertThat(call("GET", "/api/messages/traces/" + seventh, null, admin).body().path("steps").toString()).contains("sent");

        // receipts share the BizId: the number picks the message
        Response receipt = call("POST", "/callback/sms/aliyun", List.of(
                Map.of("phone_number", "13712340007", "biz_id", bizId, "success", true, "err_code", "DELIVERED", "err_msg", "用户接收成功"),
                Map.of("phone_number", "13712340008", "biz_id", bizId, "success", false, "err_code", "MK:0001", "err_msg", "空号")), admin);
        assertThat(receipt.status()).isEqualTo(200);
        await("receipts applied", Duration.ofMinutes(1), () -> {
            receipts.process();
            return "delivered".equals(status(seventh));
        });
        assertThat(jdbc.queryForMap("select count(*) filter (where status = 'delivered') as delivered, count(*) filter (where status = 'failed') "
                + "as failed, count(*) filter (where status = 'sent') as sent from message where batch_id = ?::uuid", batchId))
                .containsEntry("delivered", 1L).containsEntry("failed", 1L).containsEntry("sent", 118L);
        assertThat(jdbc.queryForObject("select status from message where batch_id = ?::uuid and recipient = '13712340008'", String.class, batchId))
                .isEqualTo("failed");
    }

    @Test
    void aRefusalThatMayBeOneNumbersSendsTheOthersAlone() {
        String code = "SMS_F" + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1_000_000_000L);
        // the batch call is refused for one illegal number, as Aliyun refuses a whole call
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing("TemplateCode=" + code))
                .withRequestBody(containing("Action=SendBatchSms"))
                .willReturn(aResponse().withStatus(200).withBody("{\"Code\":\"isv.MOBILE_NUMBER_ILLEGAL\",\"Message\":\"bad number\"}")));
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing("TemplateCode=" + code))
                .withRequestBody(containing("PhoneNumbers=13712349002"))
                .willReturn(aResponse().withStatus(200).withBody("{\"Code\":\"isv.MOBILE_NUMBER_ILLEGAL\",\"Message\":\"bad number\"}")));
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(2).withRequestBody(containing("TemplateCode=" + code))
                .willReturn(aResponse().withStatus(200).withBody("{\"Code\":\"OK\",\"BizId\":\"alone\"}")));
        // and a call refused for the account is every message's, not retried alone
        String down = "SMS_D" + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1_000_000_000L);
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing("TemplateCode=" + down))
                .willReturn(aResponse().withStatus(200).withBody("{\"Code\":\"isv.AMOUNT_NOT_ENOUGH\",\"Message\":\"no credit\"}")));
        Template refused = templates.findById(template(admin, Map.of("name", "f-" + UUID.randomUUID(), "channel", "sms",
                "content", "订单{{order_no}}", "providerTemplateId", code, "smsSign", "客服"))).orElseThrow();
        Template broke = templates.findById(template(admin, Map.of("name", "d-" + UUID.randomUUID(), "channel", "sms",
                "content", "订单{{order_no}}", "providerTemplateId", down, "smsSign", "客服"))).orElseThrow();

        List<SendOutcome> outcomes = aliyun.sendBatch(List.of(out(refused, "13712349001"), out(refused, "13712349002"), out(refused, "13712349003")));
        assertThat(outcomes.get(0)).isInstanceOf(SendOutcome.Sent.class);
        assertThat(outcomes.get(1)).isInstanceOf(SendOutcome.Failed.class);
        assertThat(((SendOutcome.Failed) outcomes.get(1)).reason()).contains("isv.MOBILE_NUMBER_ILLEGAL");
        assertThat(outcomes.get(2)).isInstanceOf(SendOutcome.Sent.class);
        assertThat(WIREMOCK.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("TemplateCode=" + code)))).hasSize(4);

        List<SendOutcome> none = aliyun.sendBatch(List.of(out(broke, "13712349004"), out(broke, "13712349005")));
        assertThat(none).allSatisfy(o -> assertThat(o).isInstanceOf(SendOutcome.Failed.class));
        assertThat(WIREMOCK.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("TemplateCode=" + down)))).hasSize(1);
        Set<String> keys = new HashSet<>();
        keys.add(aliyun.batchKey(out(refused, "13712349001")));
        keys.add(aliyun.batchKey(out(broke, "13712349001")));
        assertThat(keys).as("two templates never share a call").hasSize(2);
    }

    @Test
    void tencentSendsOneTc3SignedSendSmsForNumbersSharingTheirParameters() {
        String templateId = String.valueOf(500_000 + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 400_000));
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(1).withHeader("X-TC-Action", com.github.tomakehurst.wiremock.client.WireMock.equalTo("SendSms"))
                .withRequestBody(containing("\"TemplateId\":\"" + templateId + "\""))
                .willReturn(aResponse().withStatus(200).withBody("""
                        {"Response":{"SendStatusSet":[
                          {"SerialNo":"5000:1","PhoneNumber":"+8613712348001","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"},
                          {"SerialNo":"","PhoneNumber":"+8613712348002","Fee":0,"SessionContext":"","Code":"FailedOperation.PhoneNumberInBlacklist","Message":"blacklist","IsoCode":"CN"},
                          {"SerialNo":"5000:3","PhoneNumber":"+8613712348003","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],
                          "RequestId":"a0aabda6"}}""")));
        Map<String, Object> spec = new HashMap<>(smsTemplate("tb-" + UUID.randomUUID()));
        spec.put("provider", "tencent");
        spec.put("providerTemplateId", templateId);
        Template template = templates.findById(template(admin, spec)).orElseThrow();
        Map<String, String> values = Map.of("order_no", "T-1", "customer_name", "客户");
        List<Outgoing> lot = List.of(new Outgoing(UUID.randomUUID(), tenant, template, "13712348001", values, 1),
                new Outgoing(UUID.randomUUID(), tenant, template, "+8613712348002", values, 1),
                new Outgoing(UUID.randomUUID(), tenant, template, "8613712348003", values, 1));
        assertThat(lot.stream().map(tencent::batchKey).distinct()).as("same template and parameters: one call").hasSize(1);
        assertThat(tencent.batchKey(new Outgoing(UUID.randomUUID(), tenant, template, "13712348004", Map.of("order_no", "T-2", "customer_name", "客户"), 1)))
                .as("other parameters: another call").isNotEqualTo(tencent.batchKey(lot.getFirst()));

        List<SendOutcome> outcomes = tencent.sendBatch(lot);
        assertThat(outcomes.get(0)).isEqualTo(new SendOutcome.Sent("5000:1", outcomes.get(0) instanceof SendOutcome.Sent s ? s.response() : ""));
        assertThat(outcomes.get(1)).isInstanceOf(SendOutcome.Failed.class);
        assertThat(((SendOutcome.Failed) outcomes.get(1)).reason()).contains("PhoneNumberInBlacklist");
        assertThat(((SendOutcome.Sent) outcomes.get(2)).providerMessageId()).isEqualTo("5000:3");

        List<LoggedRequest> requests = WIREMOCK.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("\"TemplateId\":\"" + templateId + "\"")));
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.getFirst();
        assertThat(request.getBodyAsString()).isEqualTo("{\"PhoneNumberSet\":[\"+8613712348001\",\"+8613712348002\",\"+8613712348003\"],"
                + "\"SmsSdkAppId\":\"1400000001\",\"SignName\":\"客服\",\"TemplateId\":\"" + templateId + "\",\"TemplateParamSet\":[\"T-1\",\"客户\"]}");
        java.time.Instant at = java.time.Instant.ofEpochSecond(Long.parseLong(request.getHeader("X-TC-Timestamp")));
        String host = java.net.URI.create(WIREMOCK.baseUrl()).getRawAuthority();
        assertThat(request.getHeader("Authorization")).isEqualTo(
                TencentSmsSender.authorization("AKIDtest", "tencent-secret", host, "SendSms", request.getBodyAsString(), at));
        assertThat(request.getHeader("X-TC-Version")).isEqualTo("2021-01-11");
    }

    @Test
    void jpushSendsOneNotificationToAListOfRegistrationIds() {
        String appTitle = "批量-" + UUID.randomUUID();
        WIREMOCK.stubFor(post(urlEqualTo("/v3/push")).atPriority(1).withRequestBody(containing(appTitle))
                .willReturn(aResponse().withStatus(200).withBody("{\"sendno\":\"0\",\"msg_id\":\"54043195599\"}")));
        Template template = templates.findById(template(admin, Map.of("name", "jp-" + UUID.randomUUID(), "channel", "app",
                "title", appTitle, "content", "工单 {{ticket}} 已处理"))).orElseThrow();
        List<Outgoing> lot = List.of(new Outgoing(UUID.randomUUID(), tenant, template, "1a0018970a8b1c2d", Map.of("ticket", "T-9"), 1),
                new Outgoing(UUID.randomUUID(), tenant, template, "1a0018970a8b1c2e", Map.of("ticket", "T-9"), 1));
        assertThat(jpush.batchKey(lot.get(0))).isEqualTo(jpush.batchKey(lot.get(1)));
        assertThat(jpush.batchKey(new Outgoing(UUID.randomUUID(), tenant, template, "alias:u-1", Map.of("ticket", "T-9"), 1)))
                .as("aliases and registration ids never share an audience").isNotEqualTo(jpush.batchKey(lot.getFirst()));
        List<SendOutcome> outcomes = jpush.sendBatch(lot);
        assertThat(outcomes).allSatisfy(o -> assertThat(((SendOutcome.Sent) o).providerMessageId()).isEqualTo("54043195599"));
        List<LoggedRequest> requests = WIREMOCK.findAll(postRequestedFor(urlEqualTo("/v3/push")).withRequestBody(containing(appTitle)));
        assertThat(requests).hasSize(1);
        JsonNode body = JSON.readTree(requests.getFirst().getBodyAsString());
        assertThat(body.path("audience").path("registration_id").toString()).isEqualTo("[\"1a0018970a8b1c2d\",\"1a0018970a8b1c2e\"]");
        assertThat(body.path("audience").has("alias")).isFalse();
        assertThat(body.path("notification").path("android").path("alert").asString()).isEqualTo("工单 T-9 已处理");
        assertThat(body.path("notification").path("android").path("extras").path("messageIds").asString())
                .isEqualTo(lot.get(0).messageId() + "," + lot.get(1).messageId());
        assertThat(requests.getFirst().getHeader("Authorization")).isEqualTo("Basic "
                + java.util.Base64.getEncoder().encodeToString("jpush-app:jpush-secret".getBytes(StandardCharsets.UTF_8)));
    }

    private Outgoing out(Template template, String phone) {
        return new Outgoing(UUID.randomUUID(), tenant, template, phone, Map.of("order_no", "1"), 1);
    }
}
