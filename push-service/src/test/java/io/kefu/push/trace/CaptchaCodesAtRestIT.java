package io.kefu.push.trace;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.kefu.push.PushItSupport;
import org.junit.jupiter.api.Test;

/**
 * A verification code pushed by SMS (a {@code captcha} template) is readable only by the phone it goes to:
 * the traces never show it, and once the message is sent (or refused for good) the stored variables no
 * longer hold it. A notice template's variables stay as they were, for the trace and a re-drive.
 */
class CaptchaCodesAtRestIT extends PushItSupport {

    @Test
    void aSentCaptchasCodeIsInNoTraceAndNoLongerInTheDatabase() {
        WIREMOCK.stubFor(post(urlEqualTo("/")).withRequestBody(matching("(.*&)?Action=Send(Batch)?Sms(&.*)?"))
                .willReturn(aResponse().withStatus(200).withBody("{\"Code\":\"OK\",\"BizId\":\"b\"}")));
        UUID tenant = UUID.randomUUID();
        String admin = admin(tenant);
        UUID captcha = template(admin, new HashMap<>(Map.of("name", "link-code", "channel", "sms", "kind", "captcha",
                "content", "验证码 {{code}}，5分钟内有效", "providerTemplateId", "SMS_7", "smsSign", "客服")));
        UUID notice = template(admin, new HashMap<>(Map.of("name", "order", "channel", "sms", "kind", "notice",
                "content", "订单 {{order_no}} 已发货", "providerTemplateId", "SMS_8", "smsSign", "客服")));
        String code = String.valueOf(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
        String phone = "136" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));

        UUID codeMessage = send(admin, captcha, phone, Map.of("code", code));
        UUID noticeMessage = send(admin, notice, phone, Map.of("order_no", "20261129001"));
        await("both sent", Duration.ofMinutes(2), () -> "sent".equals(status(codeMessage)) && "sent".equals(status(noticeMessage)));

        WIREMOCK.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing(code)));
        String stored = jdbc.queryForObject("select variables::text from message where id = ?", String.class, codeMessage);
        assertThat(stored).as("the code at rest after sending").doesNotContain(code).contains("******");
        String row = jdbc.queryForObject("select row_to_json(m)::text from message m where id = ?", String.class, codeMessage);
        assertThat(row).as("anywhere in the message's row").doesNotContain(code);
        Response trace = call("GET", "/api/messages/traces/" + codeMessage, null, admin);
        assertThat(trace.status()).isEqualTo(200);
        assertThat(trace.body().toString()).doesNotContain(code);
        assertThat(trace.body().path("variables").path("code").asString()).isEqualTo("******");

        assertThat(jdbc.queryForObject("select variables->>'order_no' from message where id = ?", String.class, noticeMessage))
                .as("a notice keeps its variables").isEqualTo("20261129001");
        assertThat(call("GET", "/api/messages/traces/" + noticeMessage, null, admin).body().path("variables").path("order_no").asString())
                .isEqualTo("20261129001");
    }

    private UUID send(String admin, UUID template, String phone, Map<String, String> variables) {
        Response r = call("POST", "/api/messages/send", Map.of("template_id", template, "recipient", phone, "variables", variables), admin);
        assertThat(r.status()).isEqualTo(202);
        return UUID.fromString(r.body().path("messageId").asString());
    }
}
