package io.kefu.chat.channel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.kefu.chat.conversation.MessageReceipts;
import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.MessageView;
import io.kefu.chat.conversation.SendCommand;
import io.kefu.common.event.EventJson;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.testsupport.TestEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A delivery to WeChat is a remote call made after the consumer's transaction, with its outcome
 * recorded in a second one. These tests break it between the send and the outcome (the outcome
 * transaction fails, as if the instance died right after WeChat answered) and then redeliver the event
 * and sweep: WireMock, playing WeChat, must have seen the message exactly once. Transient answers
 * (HTTP 5xx, errcode -1) are retried; a final one (45015) fails the message once.
 */
class DeliverySendsOnceIT extends ChannelItSupport {

    private static final String REFUSED_MARK = "it-outcome-fails:";

    @Autowired
    MessageSending sending;
    @Autowired
    io.kefu.common.remote.RemoteCallsAutoConfiguration.RemoteCallSweep jobs;
    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @AfterEach
    void dropTheFailingOutcome() {
        jdbc.execute("drop trigger if exists it_outcome_fails on message");
    }

    @Test
    void aFailureBetweenTheSendAndItsOutcomeSendsOnceAcrossRedeliveriesAndSweeps() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        String token = stubToken(mp);
        stubSend(token, WireMockAnswer.ok());
        UUID conversationId = conversationOf(mp, openid);
        // The outcome transaction of this message fails: the database refuses to mark it sent (the process "dies").
        // A sequence counts the failures: it is not rolled back with the transaction it fails.
        jdbc.execute("create sequence if not exists it_outcome_failures");
        long failuresBefore = outcomeFailures();
        jdbc.execute("""
                create or replace function it_outcome_fails() returns trigger language plpgsql as $$
                begin
                    if new.status = 'sent' and new.content like '%s%%' then
                        perform nextval('it_outcome_failures');
                        raise exception 'test: the outcome transaction fails after the send';
                    end if;
                    return new;
                end $$""".formatted(REFUSED_MARK));
        jdbc.execute("create trigger it_outcome_fails before update on message for each row execute function it_outcome_fails()");
        String content = REFUSED_MARK + hex(8);

        MessageView reply = sending.send(agent(mp), new SendCommand(conversationId, "text", content, null, null, null, null));

        await("WeChat received the message", () -> sends(content) == 1);
        await("the outcome transaction failed", () -> outcomeFailures() > failuresBefore);
        assertThat(status(reply.id())).containsEntry("status", "sending");
        assertThat(call(reply.id())).containsEntry("status", "calling");

        // Time passes: the claim's lease runs out with no outcome recorded. The sweep must not send it again.
        jdbc.update("update kefu_remote_call set lease_until = now() - interval '1 second' where kind = 'chat.message-delivery' "
                + "and call_key = ?", reply.id().toString());
        jdbc.execute("drop trigger it_outcome_fails on message");
        assertThat(jobs.sweep().lost()).isGreaterThanOrEqualTo(1);

        assertThat(call(reply.id())).containsEntry("status", "unknown").containsEntry("attempts", 1);
        Map<String, Object> lost = status(reply.id());
        assertThat(lost).containsEntry("status", "failed").containsEntry("failure_code", MessageReceipts.OUTCOME_LOST);
        assertThat(failedEvents(reply.id())).as("no fallback that could deliver it twice").isZero();

        // The event comes again: the same envelope (the broker redelivers) and a copy with a new id.
        String envelope = jdbc.queryForObject("select envelope::text from kefu_outbox where event_type = 'chat.message.sent.v1' "
                + "and envelope -> 'data' ->> 'messageId' = ?", String.class, reply.id().toString());
        MessageProperties props = new MessageProperties();
        props.setContentType("application/json");
        rabbit.send("kefu.chat", "message.sent.v1", new Message(envelope.getBytes(java.nio.charset.StandardCharsets.UTF_8), props));
        JsonNode data = EventJson.mapper().readTree(envelope).path("data");
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = EventJson.mapper().convertValue(data, Map.class);
        String copyId = TestEvents.publish(rabbit, "chat.message.sent.v1", mp.tenantId(), conversationId.toString(), 5, copy);
        await("the copy is consumed", () -> jdbc.queryForObject("select count(*) from kefu_inbox where consumer = 'delivery' and event_id = ?",
                Long.class, copyId) == 1);
        for (int i = 0; i < 3; i++) {
            jobs.sweep();
        }

        assertThat(sends(content)).as("requests WeChat received for the message").isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from kefu_remote_call where kind = 'chat.message-delivery' and call_key = ?",
                Long.class, reply.id().toString())).isEqualTo(1);
        assertThat(call(reply.id())).containsEntry("status", "unknown");
    }

    @Test
    void aServerErrorIsRetriedAfterABackoffUntilWechatAccepts() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        String token = stubToken(mp);
        String scenario = "5xx-" + mp.appId();
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("recovered")
                .willReturn(aResponse().withStatus(503).withBody("upstream busy")));
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .inScenario(scenario).whenScenarioStateIs("recovered").willReturn(WireMockAnswer.json(WireMockAnswer.ok())));
        UUID conversationId = conversationOf(mp, openid);

        MessageView reply = sending.send(agent(mp), new SendCommand(conversationId, "text", "重试 " + hex(6), null, null, null, null));

        await("the reply is sent on a later attempt", () -> "sent".equals(status(reply.id()).get("status")));
        assertThat(sends(reply.content())).isEqualTo(2);
        assertThat(call(reply.id())).containsEntry("status", "done").containsEntry("attempts", 2);
    }

    @Test
    void aBusyWechatMinusOneIsRetriedAndAFinal45015FailsTheMessageOnce() {
        Mp mp = newMp();
        String openid = "o" + hex(27);
        String token = stubToken(mp);
        String scenario = "busy-then-closed-" + mp.appId();
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("closed")
                .willReturn(WireMockAnswer.json("{\"errcode\":-1,\"errmsg\":\"system error\"}")));
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .inScenario(scenario).whenScenarioStateIs("closed")
                .willReturn(WireMockAnswer.json("{\"errcode\":45015,\"errmsg\":\"response out of time limit or subscription is canceled\"}")));
        UUID conversationId = conversationOf(mp, openid);

        double closedBefore = wechatCalls("failed", "45015");
        MessageView reply = sending.send(agent(mp), new SendCommand(conversationId, "text", "窗口已关 " + hex(6), null, null, null, null));

        await("the reply is failed", () -> "failed".equals(status(reply.id()).get("status")));
        // Ops see WeChat's answers by errcode (kefu.remote.calls{kind, outcome, code}); WxJava retried the -1 within the call.
        assertThat(wechatCalls("failed", "45015")).isEqualTo(closedBefore + 1);
        for (int i = 0; i < 3; i++) {
            jobs.sweep();
        }
        assertThat(status(reply.id())).containsEntry("failure_code", "45015");
        assertThat(sends(reply.content())).as("-1, then 45015, and nothing after").isEqualTo(2);
        assertThat(call(reply.id())).containsEntry("status", "failed").containsEntry("attempts", 2).containsEntry("outcome_code", "45015");
        assertThat(failedEvents(reply.id())).isEqualTo(1);
    }

    // ---- helpers ----

    private double wechatCalls(String outcome, String code) {
        var timer = meters.find("kefu.remote.calls").tags("kind", "chat.message-delivery", "outcome", outcome, "code", code).timer();
        return timer == null ? 0 : timer.count();
    }

    /** WeChat's answers. */
    static final class WireMockAnswer {
        static String ok() {
            return "{\"errcode\":0,\"errmsg\":\"ok\"}";
        }

        static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
            return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
        }
    }

    private UUID conversationOf(Mp mp, String openid) {
        stubCustomer(openid, UUID.randomUUID(), 0);
        long msgId = msgId();
        assertThat(postMpPlain(mp, mpText(openid, now(), "我要咨询", msgId), now()).body()).isEqualTo("success");
        await("the customer's message is stored", () -> messages(mp.tenantId(), Long.toString(msgId)) == 1);
        return (UUID) message(mp.tenantId(), Long.toString(msgId)).get("conversation_id");
    }

    private static KefuPrincipal agent(Mp mp) {
        return new KefuPrincipal(UUID.randomUUID(), mp.tenantId(), "staff", Set.of("agent"));
    }

    private static String stubToken(Mp mp) {
        String token = "TOKEN-" + mp.appId();
        String body = "{\"access_token\":\"" + token + "\",\"expires_in\":7200}";
        WIREMOCK.stubFor(get(urlPathEqualTo("/cgi-bin/token")).withQueryParam("appid", equalTo(mp.appId())).willReturn(WireMockAnswer.json(body)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/stable_token")).withRequestBody(containing(mp.appId()))
                .willReturn(WireMockAnswer.json(body)));
        return token;
    }

    private static void stubSend(String token, String answer) {
        WIREMOCK.stubFor(post(urlPathEqualTo("/cgi-bin/message/custom/send")).withQueryParam("access_token", equalTo(token))
                .willReturn(WireMockAnswer.json(answer)));
    }

    private static int sends(String content) {
        return WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/custom/send")).withRequestBody(containing(content))).size();
    }

    private long outcomeFailures() {
        return jdbc.queryForObject("select case when is_called then last_value else 0 end from it_outcome_failures", Long.class);
    }

    private Map<String, Object> status(UUID messageId) {
        return jdbc.queryForMap("select status, failure_code, failure_reason, sent_at from message where id = ?", messageId);
    }

    private Map<String, Object> call(UUID messageId) {
        return jdbc.queryForMap("select status, attempts, outcome_code from kefu_remote_call where kind = 'chat.message-delivery' "
                + "and call_key = ?", messageId.toString());
    }

    private long failedEvents(UUID messageId) {
        return jdbc.queryForObject("select count(*) from kefu_outbox where event_type = 'chat.message.failed.v1' "
                + "and envelope -> 'data' ->> 'messageId' = ?", Long.class, messageId.toString());
    }
}
