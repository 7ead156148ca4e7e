package io.kefu.deploy.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Notifications through the gateway and the running jars of auth and push (Aliyun SMS played by
 * WireMock): a tenant admin signed in through auth creates an SMS template, sends a batch with one
 * malformed number among them, follows the batch's progress until every good recipient is sent, and reads
 * one message's trace — queued, processed, sent, with the provider's answer; an agent may do none of it.
 */
class PushThroughGatewayE2ETest {

    static final String ADMIN = "e2e-push-admin"; // its own: the e2e classes share one database
    static final String ADMIN_PASSWORD = "e2e-admin-password-" + UUID.randomUUID();
    static final int GOOD = 50;

    static WireMockServer aliyun;
    static SuiteProcesses suite;

    @BeforeAll
    static void startTheSuite() throws Exception {
        aliyun = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        aliyun.start();
        // A lot of the batch goes in one SendBatchSms, a lone message in a SendSms: both answered as Aliyun does.
        for (String action : List.of("SendSms", "SendBatchSms")) {
            aliyun.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=" + action)).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"biz-e2e\",\"RequestId\":\"req-e2e\"}")));
        }
        suite = SuiteProcesses.of("auth-service", "push-service")
                .setting("push-service", "KEFU_PUSH_ALIYUN_URL", aliyun.baseUrl())
                .setting("push-service", "KEFU_PUSH_ALIYUN_ACCESS_KEY_ID", "e2e-access-key")
                .setting("push-service", "KEFU_PUSH_ALIYUN_ACCESS_KEY_SECRET", "e2e-secret")
                .admin(ADMIN, ADMIN_PASSWORD)
                .start();
    }

    @AfterAll
    static void stopTheSuite() throws Exception {
        if (suite != null) {
            suite.close();
        }
        if (aliyun != null) {
            aliyun.stop();
        }
    }

    @Test
    void anAdminCreatesATemplateSendsABatchAndFollowsItsProgressAndATrace() throws Exception {
        GatewayApi api = suite.api();
        String superadmin = api.login(ADMIN, ADMIN_PASSWORD);
        String tenant = api.createTenant(superadmin, "E2E push shop", "wx-e2e-push-" + UUID.randomUUID().toString().substring(0, 8));
        String admin = api.createStaff(superadmin, tenant, "通知管理员", List.of("admin")).token();
        String agent = api.createStaff(superadmin, tenant, "坐席", List.of("agent")).token();

        JsonNode template = api.call("POST", "/api/push/templates", admin, Map.of("name", "发货通知", "channel", "sms",
                "content", "您的订单{{order_no}}已发货", "providerTemplateId", "SMS_123456", "smsSign", "客服"));
        assertThat(template.path("variables").toString()).contains("order_no");
        String prefix = String.format("1%02d", 35 + (int) (Math.random() * 4)) + String.format("%04d", (int) (Math.random() * 10_000));
        List<Object> recipients = new ArrayList<>();
        for (int i = 0; i < GOOD; i++) {
            recipients.add(prefix + String.format("%04d", i));
        }
        recipients.add(7, "12345"); // not a mobile number: rejected alone, the rest sent
        JsonNode batch = api.call("POST", "/api/messages/send-batch", admin, Map.of("template_id", template.path("id").asString(),
                "recipients", recipients, "variables", Map.of("order_no", "E2E-1"), "priority", 3));
        assertThat(batch.path("accepted").asInt()).isEqualTo(GOOD);
        assertThat(batch.path("rejected").asInt()).isEqualTo(1);
        assertThat(batch.path("rejections").get(0).path("index").asInt()).isEqualTo(7);
        String batchId = batch.path("batchId").asString();

        GatewayApi.awaitTrue("the batch is sent", () -> api.call("GET", "/api/push/batches/" + batchId, admin, null).path("done").asBoolean());
        JsonNode progress = api.call("GET", "/api/push/batches/" + batchId, admin, null);
        assertThat(progress.path("sent").asLong()).isEqualTo(GOOD);
        assertThat(progress.path("failed").asLong()).isZero();
        assertThat(progress.path("pending").asLong()).isZero();

        JsonNode traces = api.call("GET", "/api/messages/traces?batchId=" + batchId + "&pageSize=100", admin, null);
        assertThat(traces.path("total").asLong()).isEqualTo(GOOD);
        String messageId = traces.path("items").get(0).path("messageId").asString();
        JsonNode trace = api.call("GET", "/api/messages/traces/" + messageId, admin, null);
        assertThat(trace.path("status").asString()).isEqualTo("sent");
        assertThat(trace.path("providerResponse").asString()).contains("biz-e2e");
        List<String> steps = new ArrayList<>();
        trace.path("steps").forEach(step -> steps.add(step.path("step").asString()));
        assertThat(steps).containsSubsequence("queued", "processed", "sent");
        // Each good number reached the provider exactly once, whether alone (SendSms) or in a lot (SendBatchSms).
        List<String> received = aliyun.getAllServeEvents().stream()
                .flatMap(e -> PushKillAndBrokerOutageE2ETest.phones(e.getRequest().getBodyAsString()).stream())
                .filter(phone -> phone.startsWith(prefix)).toList();
        assertThat(received).hasSize(GOOD).doesNotHaveDuplicates();

        assertThat(api.status("GET", "/api/messages/traces/" + messageId, agent, null)).isEqualTo(403);
        assertThat(api.status("POST", "/api/push/templates", agent, Map.of("name", "x", "channel", "sms", "content", "x"))).isEqualTo(403);
    }
}
