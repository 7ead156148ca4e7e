package io.kefu.kbai.review;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.kbai.AiTestSupport;
import io.kefu.testsupport.TestEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant's state in auth meets the review queue: a draft made while the tenant is closed (business
 * hours) keeps its review time-out until reviewers are back, while the WeChat window still escalates in
 * time; a tenant auth disables gets nothing more from the AI and its drafts leave the queue. Through the
 * consumers on the real model; time moved with the service's injected clock.
 */
class ReviewHoursAndDisabledTenantIT extends AiTestSupport {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final String FAQ_QUESTION = "怎么申请退款";

    @Autowired
    ReviewJobs jobs;

    private long version = 1;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** auth's event as auth publishes it on create, change and disable; waits until kb-ai keeps this version. */
    private void configure(UUID tenant, String status, boolean autoMode, String hours) {
        long v = version++;
        Map<String, Object> data = new HashMap<>(Map.of("tenantId", tenant.toString(), "name", "shop", "status", status, "aiModel", "qwen",
                "autoMode", autoMode, "blacklist", List.of(), "whitelist", List.of(), "replyDelay", 0, "version", v, "occurredAt",
                Instant.now().toString()));
        data.put("businessHours", hours);
        TestEvents.publish(rabbit, "auth.tenant.configured.v1", tenant, tenant.toString(), 4, data);
        await("config v" + v + " of " + tenant + " kept", WAIT, () -> jdbc.queryForObject(
                "select count(*) from ai_tenant_rule where tenant_id = ? and version = ?", Long.class, tenant, v) == 1);
    }

    private void moveClockTo(Instant target) {
        clock.advance(Duration.between(clock.instant(), target));
    }

    private Map<String, Object> row(UUID id) {
        return jdbc.queryForMap("select status, verdict, review_from from ai_answer where id = ?", id);
    }

    @Test
    void aDraftMadeWhileClosedTimesOutOnlyAfterTheOpeningButAClosingWeChatWindowDoesNotWait() {
        UUID tenant = UUID.randomUUID();
        faq(tenant);
        ZonedDateTime now = clock.instant().atZone(SHANGHAI);
        ZonedDateTime opening = now.truncatedTo(ChronoUnit.HOURS).plusHours(2); // 1–2 h from now: closed now
        String hours = "%02d:00-%02d:00".formatted(opening.getHour(), (opening.getHour() + 3) % 24);
        configure(tenant, "active", false, hours); // review mode: the FAQ's answer becomes a draft

        UUID waiting = UUID.randomUUID();
        UUID id = (UUID) decided(ask(tenant, waiting, FAQ_QUESTION)).get("id");
        assertThat(row(id).get("status")).isEqualTo("draft");
        assertThat(events("kb.answer.sent.v1", waiting)).singleElement().satisfies(s -> {
            assertThat(s.path("origin").asString()).isEqualTo("holding");
            assertThat(s.path("content").asString()).contains("非工作时间").contains(hours);
        });
        // a WeChat OA customer who wrote 47 h ago: the window closes in 1 h, inside the 2 h margin
        UUID windowed = UUID.randomUUID();
        UUID closing = (UUID) decided(ask(tenant, windowed, "退款怎么操作")).get("id");
        jdbc.update("update ai_answer set channel = 'mp', customer_wrote_at = ? where id = ?",
                Timestamp.from(clock.instant().minus(Duration.ofHours(47))), closing);

        // the 10-minute review time-out runs out at night: nobody is there, so the clock restarts at the opening
        moveClockTo(clock.instant().plus(Duration.ofMinutes(11)));
        jobs.escalateOverdueDrafts();
        assertThat(row(id).get("status")).isEqualTo("draft");
        assertThat(((Timestamp) row(id).get("review_from")).toInstant()).isEqualTo(opening.toInstant());
        assertThat(events("kb.conversation.handed-off.v1", waiting)).isEmpty();
        // ... but the window does not wait for the morning: handed over now, with the off-hours notice
        assertThat(row(closing).get("verdict")).isEqualTo("window_closing");
        assertThat(events("kb.conversation.handed-off.v1", windowed)).singleElement()
                .satisfies(h -> assertThat(h.path("reason").asString()).isEqualTo("window_closing"));
        assertThat(events("kb.answer.sent.v1", windowed)).last().satisfies(s -> {
            assertThat(s.path("origin").asString()).isEqualTo("fallback");
            assertThat(s.path("content").asString()).contains("非工作时间");
        });

        // reviewers are back: five minutes in, the draft is still theirs
        moveClockTo(opening.toInstant().plus(Duration.ofMinutes(5)));
        jobs.escalateOverdueDrafts();
        assertThat(row(id).get("status")).isEqualTo("draft");

        // ten minutes after the opening nobody took it: the human queue, with the usual notice
        moveClockTo(opening.toInstant().plus(Duration.ofMinutes(11)));
        await("the draft timed out after the opening", WAIT, () -> {
            jobs.escalateOverdueDrafts();
            return "handed_off".equals(row(id).get("status"));
        });
        assertThat(row(id).get("verdict")).isEqualTo("timed_out");
        assertThat(events("kb.conversation.handed-off.v1", waiting)).singleElement()
                .satisfies(h -> assertThat(h.path("reason").asString()).isEqualTo("review_timeout"));
        assertThat(events("kb.answer.sent.v1", waiting)).last()
                .satisfies(s -> assertThat(s.path("content").asString()).doesNotContain("非工作时间"));
    }

    @Test
    void aTenantDisabledInAuthGetsNoAnswerNoDraftAndNoModelCallAndItsDraftsLeaveTheQueue() {
        UUID tenant = UUID.randomUUID();
        faq(tenant);
        useModel(tenant, "/disabled/v1", 5000, "review");
        MODEL.stubFor(post(urlPathEqualTo("/disabled/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody(completion("您好，这个问题我们会尽快为您核实。", 80, 12))));
        configure(tenant, "active", false, "");
        String reviewer = supervisor(tenant);

        UUID free = (UUID) decided(ask(tenant, UUID.randomUUID(), FAQ_QUESTION)).get("id");
        UUID claimed = (UUID) decided(ask(tenant, UUID.randomUUID(), "退款怎么操作")).get("id");
        assertThat(call("POST", "/api/kb/reviews/" + claimed + "/claim", null, reviewer).status()).isEqualTo(200);
        int modelCalls = MODEL.findAll(postRequestedFor(urlPathEqualTo("/disabled/v1/chat/completions"))).size();

        configure(tenant, "disabled", false, ""); // what auth publishes on DELETE /api/admin/tenants/{id}
        assertThat(row(free).get("status")).isEqualTo("withdrawn");
        assertThat(row(claimed).get("status")).isEqualTo("withdrawn");
        assertThat(row(claimed).get("verdict")).isEqualTo("tenant_disabled");
        Response send = call("POST", "/api/kb/reviews/" + claimed + "/send", Map.of(), reviewer);
        assertThat(send.status()).isEqualTo(409);
        assertThat(call("GET", "/api/kb/reviews", null, reviewer).body().path("total").asLong()).isZero();
        moveClockTo(clock.instant().plus(Duration.ofHours(1))); // long past the review time-out: the job has nothing of theirs
        jobs.escalateOverdueDrafts();
        assertThat(row(free).get("status")).isEqualTo("withdrawn");
        clock.reset();

        // a question now, one the model would draft (low band, tenant's low band = review): nothing at all
        UUID conversation = UUID.randomUUID();
        Map<String, Object> q = decided(ask(tenant, conversation, "你们的火星基地什么时候开放参观"));
        assertThat(q.get("status")).isEqualTo("withdrawn");
        assertThat(q.get("band")).as("not even looked up").isNull();
        assertThat(events("kb.answer.sent.v1", conversation)).isEmpty();
        assertThat(events("kb.answer.drafted.v1", conversation)).isEmpty();
        assertThat(events("kb.conversation.handed-off.v1", conversation)).isEmpty();
        assertThat(MODEL.findAll(postRequestedFor(urlPathEqualTo("/disabled/v1/chat/completions")))).hasSize(modelCalls);

        // enabled again: the same question is drafted by the model
        configure(tenant, "active", false, "");
        UUID again = UUID.randomUUID();
        assertThat(decided(ask(tenant, again, "你们的火星基地什么时候开放参观")).get("status")).isEqualTo("draft");
        assertThat(MODEL.findAll(postRequestedFor(urlPathEqualTo("/disabled/v1/chat/completions"))).size()).isGreaterThan(modelCalls);
    }
}
