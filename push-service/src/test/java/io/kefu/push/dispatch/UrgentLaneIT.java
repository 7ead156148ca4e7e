package io.kefu.push.dispatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.push.PushItSupport;
import org.junit.jupiter.api.Test;

/**
 * Priority 9-10 messages are claimed and sent by the accepting instance's idle urgent threads; when all of
 * them are busy, the next one goes through its urgent queue and that lane's consumers instead of waiting for
 * a thread. Each is sent once either way.
 */
class UrgentLaneIT extends PushItSupport {

    @Test
    void anUrgentMessageFindingTheLaneBusyGoesThroughTheQueue() {
        UUID tenant = UUID.randomUUID();
        String admin = admin(tenant);
        aliyunAnswersOk(WIREMOCK);
        // the provider keeps the first two waiting, so both of the lane's threads (urgent-pool 2) stay busy with them
        WIREMOCK.stubFor(post(urlEqualTo("/")).withRequestBody(containing("PhoneNumbers=1360000000")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withFixedDelay(6_000)
                        .withBody("{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"slow\",\"RequestId\":\"r\"}")));
        UUID template = template(admin, smsTemplate("urgent-" + UUID.randomUUID()));

        UUID slow1 = send(admin, template, "13600000001");
        UUID slow2 = send(admin, template, "13600000002");
        await("both lane threads are calling the provider", Duration.ofMinutes(1),
                () -> WIREMOCK.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("PhoneNumbers=1360000000"))).size() == 2);
        UUID third = send(admin, template, "13600000103");

        await("the third is sent", Duration.ofMinutes(2), () -> "sent".equals(status(third)));
        await("the first two are sent", Duration.ofMinutes(2), () -> "sent".equals(status(slow1)) && "sent".equals(status(slow2)));
        assertThat(jdbc.queryForObject("select count(*) from message where id in (?, ?) and sent_at > (select sent_at from message where id = ?)",
                Long.class, slow1, slow2, third)).as("the third did not wait for a lane thread").isEqualTo(2);
        for (String phone : List.of("13600000001", "13600000002", "13600000103")) {
            assertThat(WIREMOCK.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("PhoneNumbers=" + phone))))
                    .as("requests for " + phone).hasSize(1);
        }
    }

    private UUID send(String admin, UUID template, String phone) {
        Response r = call("POST", "/api/messages/send", Map.of("template_id", template, "recipient", phone,
                "variables", Map.of("order_no", "urgent", "customer_name", "VIP"), "priority", 9), admin);
        assertThat(r.status()).isEqualTo(202);
        return UUID.fromString(r.body().path("messageId").asString());
    }
}
