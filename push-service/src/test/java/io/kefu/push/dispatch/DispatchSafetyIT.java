package io.kefu.push.dispatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.kefu.push.PushItSupport;
import io.kefu.push.template.Channel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The claim → commit → send → record shape under the failures it is built for: duplicated deliveries
 * (a broker redelivering after a restart), a sender that died after its claim (kill -9), a publication
 * lost after commit; transient failures retried with backoff, permanent ones failed at once, exhausted
 * ones dead-lettered and re-driven by an admin. Sends are counted at the played Aliyun.
 */
class DispatchSafetyIT extends PushItSupport {

    @Autowired
    Messages messages;
    @Autowired
    DispatchQueues queues;
    @Autowired
    DispatchJobs jobs;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;
    @Autowired
    TransactionTemplate tx;

    final UUID tenant = UUID.randomUUID();
    final String admin = admin(tenant);
    UUID template;

    @BeforeEach
    void setUp() {
        aliyunAnswersOk(WIREMOCK);
        template = template(admin, smsTemplate("safety-" + UUID.randomUUID()));
    }

    UUID send(String phone) {
        Response r = call("POST", "/api/messages/send", Map.of("template_id", template, "recipient", phone,
                "variables", Map.of("order_no", "1", "customer_name", "x")), admin);
        assertThat(r.status()).isEqualTo(202);
        return UUID.fromString(r.body().path("messageId").asString());
    }

    /** Times {@code phone} reached the played Aliyun (a number in a batch call counts as one). */
    static int requestsFor(String phone) {
        return aliyunReceived(phone);
    }

    @Test
    void duplicatedDeliveriesSendOnce() {
        String phone = "13511110001";
        UUID id = send(phone);
        List<Messages.Queued> again = List.of(new Messages.Queued(id, Channel.SMS, 5));
        // Five deliveries of the same id (each publication is an AMQP message of its own), then one more once it was sent.
        for (int i = 0; i < 5; i++) {
            queues.publish(again);
        }
        await("sent", Duration.ofMinutes(2), () -> "sent".equals(status(id)));
        queues.publish(again);
        // A message published after the duplicates, on the same queue and band, is delivered after them.
        UUID sentinel = send("13511110009");
        await("sentinel sent", Duration.ofMinutes(2), () -> "sent".equals(status(sentinel)));
        assertThat(requestsFor(phone)).isEqualTo(1);
    }

    @Test
    void aSenderThatDiedAfterItsClaimIsNotSentAgain() {
        UUID id = UUID.randomUUID();
        Instant longAgo = Instant.now().minusSeconds(3600);
        tx.executeWithoutResult(s -> messages.insert(tenant, null, template, Channel.SMS, 5, null,
                List.of(new Messages.NewMessage(id, "13511110002", "{\"order_no\":\"1\",\"customer_name\":\"x\"}")), "{}", longAgo));
        // An instance claimed it and was killed before recording: the lease is long over.
        tx.executeWithoutResult(s -> messages.claim(id, longAgo, Duration.ofSeconds(60)));
        jobs.expireLeases();
        assertThat(status(id)).isEqualTo("unknown");
        jobs.publishDue();
        assertThat(requestsFor("13511110002")).isZero();
        assertThat(call("GET", "/api/push/dead-letters?status=unknown", null, admin).body().path("total").asInt()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select trace::text from message where id = ?", String.class, id)).contains("unknown");
    }

    @Test
    void aPublicationLostAfterCommitIsMadeGood() {
        UUID id = UUID.randomUUID();
        tx.executeWithoutResult(s -> messages.insert(tenant, null, template, Channel.SMS, 5, null,
                List.of(new Messages.NewMessage(id, "13511110003", "{\"order_no\":\"1\",\"customer_name\":\"x\"}")), "{}",
                Instant.now().minusSeconds(60)));
        assertThat(jobs.publishDue()).isGreaterThanOrEqualTo(1);
        await("sent", Duration.ofMinutes(2), () -> "sent".equals(status(id)));
        assertThat(requestsFor("13511110003")).isEqualTo(1);
    }

    @Test
    void transientFailuresAreRetriedWithBackoff() {
        double retriesBefore = pushes("retry");
        double sentBefore = pushes("sent");
        String phone = "13511110004";
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing("PhoneNumbers=" + phone))
                .inScenario("flaky").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("busy")
                .willReturn(aResponse().withStatus(503).withBody("busy")));
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing("PhoneNumbers=" + phone))
                .inScenario("flaky").whenScenarioStateIs("busy").willSetStateTo("ok")
                .willReturn(aResponse().withStatus(200).withBody("{\"Code\":\"isv.BUSINESS_LIMIT_CONTROL\",\"Message\":\"flow\"}")));
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing("PhoneNumbers=" + phone))
                .inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody("{\"Code\":\"OK\",\"BizId\":\"b3\"}")));
        UUID id = send(phone);
        await("sent after two retries", Duration.ofMinutes(2), () -> {
            jobs.publishDue();
            return "sent".equals(status(id));
        });
        assertThat(requestsFor(phone)).isEqualTo(3);
        Response trace = call("GET", "/api/messages/traces/" + id, null, admin);
        assertThat(trace.body().path("attempts").asInt()).isEqualTo(3);
        assertThat(trace.body().path("steps").toString()).contains("retry", "HTTP 503", "isv.BUSINESS_LIMIT_CONTROL");
        // ops see it too (at least: other tests' messages may still be settling)
        assertThat(pushes("retry") - retriesBefore).as("kefu.push.messages{channel=sms,outcome=retry}").isGreaterThanOrEqualTo(2);
        assertThat(pushes("sent") - sentBefore).as("kefu.push.messages{channel=sms,outcome=sent}").isGreaterThanOrEqualTo(1);
    }

    private double pushes(String outcome) {
        io.micrometer.core.instrument.Counter c = meters.find("kefu.push.messages").tag("channel", "sms").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void permanentFailuresFailAtOnceAndExhaustedOnesAreDeadLetteredThenReDriven() {
        String refused = "13511110005";
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing("PhoneNumbers=" + refused))
                .willReturn(aResponse().withStatus(200).withBody("{\"Code\":\"isv.MOBILE_NUMBER_ILLEGAL\",\"Message\":\"bad number\"}")));
        double failedBefore = pushes("failed");
        UUID failed = send(refused);
        await("failed", Duration.ofMinutes(2), () -> "failed".equals(status(failed)));
        assertThat(pushes("failed") - failedBefore).as("kefu.push.messages{channel=sms,outcome=failed}").isGreaterThanOrEqualTo(1);
        assertThat(requestsFor(refused)).isEqualTo(1);

        String down = "13511110006";
        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing("PhoneNumbers=" + down))
                .willReturn(aResponse().withStatus(500).withBody("down")));
        UUID dead = send(down);
        await("dead", Duration.ofMinutes(2), () -> {
            jobs.publishDue();
            return "dead".equals(status(dead));
        });
        assertThat(requestsFor(down)).isEqualTo(3); // max-attempts in the test context
        Response list = call("GET", "/api/push/dead-letters", null, admin);
        assertThat(list.body().path("total").asInt()).isEqualTo(1);
        assertThat(list.body().path("items").get(0).path("failureReason").asString()).contains("retries exhausted");
        assertThat(jdbc.queryForObject("select count(*) from kefu_outbox where event_type = 'push.message.failed.v1' and envelope->>'subject' = ?",
                Long.class, dead.toString())).isEqualTo(1);

        WIREMOCK.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing("PhoneNumbers=" + down))
                .willReturn(aResponse().withStatus(200).withBody("{\"Code\":\"OK\",\"BizId\":\"b6\"}")));
        assertThat(call("POST", "/api/push/dead-letters/" + dead + "/redrive", null, admin).status()).isEqualTo(202);
        await("re-driven and sent", Duration.ofMinutes(2), () -> "sent".equals(status(dead)));
        assertThat(call("POST", "/api/push/dead-letters/" + dead + "/redrive", null, admin).status()).as("not dead any more").isEqualTo(409);
        assertThat(call("POST", "/api/push/dead-letters/" + UUID.randomUUID() + "/redrive", null, admin).status()).isEqualTo(404);
        assertThat(call("GET", "/api/push/dead-letters?status=sent", null, admin).status()).isEqualTo(400);
    }

}
