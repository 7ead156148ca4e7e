package io.kefu.push.sender;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.PushItSupport;
import io.kefu.push.template.Channel;
import io.kefu.push.template.Template;
import io.kefu.push.template.TemplateStatus;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;

/** Budgets per recipient and limits per channel, shared through Redis by every instance. */
class PacingIT extends PushItSupport {

    @Autowired
    RedissonClient redisson;
    @Autowired
    LiveProperties<PacingProperties> properties;
    @Autowired
    Senders senders;

    static String phone() {
        return "137" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    @Test
    void aSecondCaptchaToTheSameNumberWithinAMinuteIsHeldAndItsTraceSaysByWhichRule() {
        WIREMOCK.stubFor(post(urlEqualTo("/")).withRequestBody(matching("(.*&)?Action=Send(Batch)?Sms(&.*)?"))
                .willReturn(aResponse().withStatus(200).withBody("{\"Code\":\"OK\",\"BizId\":\"b\"}")));
        UUID tenant = UUID.randomUUID();
        String admin = admin(tenant);
        Map<String, Object> spec = new HashMap<>(Map.of("name", "captcha", "channel", "sms", "kind", "captcha", "content", "验证码 {{code}}",
                "providerTemplateId", "SMS_9", "smsSign", "客服"));
        UUID template = template(admin, spec);
        String number = phone();
        UUID first = send(admin, template, number);
        await("first sent", Duration.ofMinutes(2), () -> "sent".equals(status(first)));
        UUID second = send(admin, template, number);
        await("second held", Duration.ofMinutes(2), () -> "scheduled".equals(status(second)));
        Response trace = call("GET", "/api/messages/traces/" + second, null, admin);
        assertThat(trace.body().path("steps").toString()).contains("held by sms captcha 1/min per number until");
        assertThat(trace.body().path("attempts").asInt()).as("a hold is not an attempt").isZero();
        assertThat(trace.body().path("nextAttemptAt").asString()).isNotBlank();
    }

    @Test
    void twoInstancesShareOnePerRecipientBudget() {
        Clock clock = Clock.systemUTC();
        Pacing instanceA = new Pacing(redisson, properties, clock);
        Pacing instanceB = new Pacing(redisson, properties, clock);
        Template wecom = new Template(UUID.randomUUID(), UUID.randomUUID(), new Template.Spec("w", Channel.WECHAT, "wecom", null, "hi", TemplateStatus.ACTIVE,
                null, null, null, null), Instant.now());
        Sender sender = stub(Channel.WECHAT, "wecom");
        String member = "member-" + UUID.randomUUID();
        Outgoing message = new Outgoing(UUID.randomUUID(), wecom.tenantId(), wecom, member, Map.of(), 1);
        int allowed = 0;
        Optional<SendOutcome.Held> held = Optional.empty();
        for (int i = 0; i < 40 && held.isEmpty(); i++) {
            held = (i % 2 == 0 ? instanceA : instanceB).hold(sender, message);
            allowed += held.isEmpty() ? 1 : 0;
        }
        assertThat(allowed).as("30 a minute per member across both instances").isEqualTo(30);
        assertThat(held.orElseThrow().rule()).isEqualTo("wecom app 30/min per member");
        assertThat(held.get().until()).isAfter(Instant.now()).isBefore(Instant.now().plusSeconds(61));
        assertThat(instanceA.hold(sender, new Outgoing(UUID.randomUUID(), wecom.tenantId(), wecom, member + "-other", Map.of(), 1)))
                .as("another member has their own budget").isEmpty();
    }

    @Test
    void aLotPacedInOneCallIsHeldAsIfEachMessageWerePacedAfterTheOther() {
        Pacing pacing = new Pacing(redisson, properties, Clock.systemUTC());
        Template wecom = new Template(UUID.randomUUID(), UUID.randomUUID(), new Template.Spec("w", Channel.WECHAT, "wecom", null, "hi", TemplateStatus.ACTIVE,
                null, null, null, null), Instant.now());
        Sender sender = stub(Channel.WECHAT, "wecom");
        String member = "member-" + UUID.randomUUID();
        String other = "member-" + UUID.randomUUID();
        List<Pacing.Request> lot = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            lot.add(new Pacing.Request(sender, new Outgoing(UUID.randomUUID(), wecom.tenantId(), wecom, i == 17 ? other : member, Map.of(), 1)));
        }
        List<Optional<SendOutcome.Held>> held = pacing.holdAll(lot);
        assertThat(held).hasSize(35);
        assertThat(held.subList(0, 31).stream().filter(Optional::isEmpty).count()).as("the first 30 to the member and the one to another go")
                .isEqualTo(31);
        assertThat(held.subList(31, 35)).as("the member's 31st and later are held, in the lot's order").allSatisfy(h ->
                assertThat(h.orElseThrow().rule()).isEqualTo("wecom app 30/min per member"));
        assertThat(pacing.hold(sender, new Outgoing(UUID.randomUUID(), wecom.tenantId(), wecom, member, Map.of(), 1)))
                .as("the lot's counts are the ones a single call sees").isPresent();
        assertThat(pacing.hold(sender, new Outgoing(UUID.randomUUID(), wecom.tenantId(), wecom, other, Map.of(), 1)))
                .as("the other member has a budget of their own, counted once by the lot").isEmpty();
    }

    private UUID send(String admin, UUID template, String number) {
        Response r = call("POST", "/api/messages/send", Map.of("template_id", template, "recipient", number, "variables", Map.of("code", "1234")),
                admin);
        assertThat(r.status()).isEqualTo(202);
        return UUID.fromString(r.body().path("messageId").asString());
    }

    private static Sender stub(Channel channel, String kind) {
        return new Sender() {
            @Override
            public Channel channel() {
                return channel;
            }

            @Override
            public String kind() {
                return kind;
            }

            @Override
            public String provider() {
                return "stub";
            }

            @Override
            public String unconfigured(Outgoing message) {
                return null;
            }

            @Override
            public SendOutcome send(Outgoing message) {
                return new SendOutcome.Sent(null, "");
            }
        };
    }
}
