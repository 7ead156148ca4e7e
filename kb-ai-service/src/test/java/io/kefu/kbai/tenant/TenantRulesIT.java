package io.kefu.kbai.tenant;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.kbai.AiTestSupport;
import io.kefu.testsupport.TestEvents;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant's rules from auth's config (auth.tenant.configured.v1 on the real exchange) applied to the
 * AI's answers: black and white lists, auto mode, business hours and the reply delay — through the
 * consumer, on the real embedding model, the outcome read from {@code ai_answer} and the outbox.
 */
class TenantRulesIT extends AiTestSupport {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final String FAQ_QUESTION = "怎么申请退款";
    private static final String KB_ANSWER = "1-3个工作日原路退回";

    private long version = 1;

    /** auth publishes the tenant's whole config; waits until kb-ai keeps this version. */
    private void configure(UUID tenant, boolean autoMode, List<String> blacklist, List<String> whitelist, @Nullable String hours, int delay) {
        long v = version++;
        publishConfig(tenant, autoMode, blacklist, whitelist, hours, delay, v);
        await("config v" + v + " of " + tenant + " kept", WAIT, () -> jdbc.queryForObject(
                "select count(*) from ai_tenant_rule where tenant_id = ? and version = ?", Long.class, tenant, v) == 1);
    }

    private void publishConfig(UUID tenant, boolean autoMode, List<String> blacklist, List<String> whitelist, @Nullable String hours,
            int delay, long v) {
        Map<String, Object> data = new HashMap<>(Map.of("tenantId", tenant.toString(), "name", "shop", "status", "active", "aiModel", "qwen",
                "autoMode", autoMode, "blacklist", blacklist, "whitelist", whitelist, "replyDelay", delay, "version", v, "occurredAt",
                Instant.now().toString()));
        data.put("businessHours", hours);
        TestEvents.publish(rabbit, "auth.tenant.configured.v1", tenant, tenant.toString(), 4, data);
    }

    /** routing's request from a given customer; returns the customer's message id. */
    private UUID askAs(UUID tenant, UUID conversation, UUID customer, String question) {
        UUID message = UUID.randomUUID();
        TestEvents.publish(rabbit, "routing.ai.requested.v1", tenant, conversation.toString(), 5, Map.of("conversationId",
                conversation.toString(), "customerId", customer.toString(), "messageId", message.toString(), "content", question,
                "requestedAt", Instant.now().toString()));
        return message;
    }

    private UUID faqTenant() {
        UUID tenant = UUID.randomUUID();
        faq(tenant);
        return tenant;
    }

    @Test
    void aBlacklistedCustomerOrWordIsNeverAnsweredByTheAiButGoesToAPerson() {
        UUID tenant = faqTenant();
        UUID banned = UUID.randomUUID();
        configure(tenant, true, List.of(banned.toString(), "律师函"), List.of(), null, 0);

        UUID c1 = UUID.randomUUID();
        Map<String, Object> byCustomer = decided(askAs(tenant, c1, banned, FAQ_QUESTION));
        assertThat(byCustomer.get("status")).isEqualTo("handed_off");
        assertThat(byCustomer.get("handoff_reason")).isEqualTo("blacklisted");
        assertThat(byCustomer.get("answer")).isNull();
        assertThat(events("kb.answer.sent.v1", c1)).singleElement().satisfies(s -> {
            assertThat(s.path("origin").asString()).isEqualTo("fallback");
            assertThat(s.path("content").asString()).doesNotContain(KB_ANSWER);
        });
        assertThat(events("kb.conversation.handed-off.v1", c1)).singleElement()
                .satisfies(h -> assertThat(h.path("reason").asString()).isEqualTo("blacklisted"));

        // the word, written full-width inside a question the KB answers at once
        UUID c2 = UUID.randomUUID();
        Map<String, Object> byWord = decided(askAs(tenant, c2, UUID.randomUUID(), "收到ＡＢＣ律师函了，" + FAQ_QUESTION));
        assertThat(byWord.get("handoff_reason")).isEqualTo("blacklisted");
        assertThat(events("kb.answer.sent.v1", c2)).noneMatch(s -> s.path("content").asString().contains(KB_ANSWER));

        // anyone else asking the same question is answered
        UUID c3 = UUID.randomUUID();
        assertThat(decided(askAs(tenant, c3, UUID.randomUUID(), FAQ_QUESTION)).get("status")).isEqualTo("sent");
        assertThat(events("kb.answer.sent.v1", c3).getFirst().path("content").asString()).contains(KB_ANSWER);
    }

    @Test
    void withAutoModeOffTheTopBandWaitsForAReviewerButAWhitelistedCustomerIsServedDespiteBlacklistAndReview() {
        UUID tenant = faqTenant();
        UUID vip = UUID.randomUUID();
        configure(tenant, false, List.of("退款", vip.toString()), List.of(vip.toString()), null, 0);

        UUID c1 = UUID.randomUUID();
        Map<String, Object> reviewed = decided(askAs(tenant, c1, UUID.randomUUID(), "营业时间是几点"));
        assertThat(reviewed.get("status")).isEqualTo("draft");
        assertThat(reviewed.get("band")).isEqualTo("auto");
        assertThat(reviewed.get("draft")).asString().contains("9:00-21:00");
        assertThat(events("kb.answer.sent.v1", c1)).singleElement()
                .satisfies(s -> assertThat(s.path("origin").asString()).isEqualTo("holding"));

        UUID c2 = UUID.randomUUID();
        assertThat(decided(askAs(tenant, c2, UUID.randomUUID(), FAQ_QUESTION)).get("handoff_reason")).isEqualTo("blacklisted");

        UUID c3 = UUID.randomUUID();
        Map<String, Object> served = decided(askAs(tenant, c3, vip, FAQ_QUESTION));
        assertThat(served.get("status")).isEqualTo("sent");
        assertThat(served.get("origin")).isEqualTo("auto");
        assertThat(events("kb.answer.sent.v1", c3).getFirst().path("content").asString()).contains(KB_ANSWER);
    }

    @Test
    void outsideBusinessHoursTheAiStillAnswersWhatItCanAndTellsTheOthersWhenPeopleAreBack() {
        UUID tenant = faqTenant();
        LocalTime now = LocalTime.now(SHANGHAI);
        // an hour of work starting two hours from now (over midnight when it must): now is outside
        String closed = "%02d:00-%02d:00".formatted((now.getHour() + 2) % 24, (now.getHour() + 3) % 24);
        configure(tenant, true, List.of(), List.of(), closed, 0);

        UUID c1 = UUID.randomUUID();
        assertThat(decided(askAs(tenant, c1, UUID.randomUUID(), FAQ_QUESTION)).get("status")).isEqualTo("sent");
        assertThat(events("kb.answer.sent.v1", c1).getFirst().path("content").asString()).contains(KB_ANSWER);

        UUID c2 = UUID.randomUUID();
        Map<String, Object> person = decided(askAs(tenant, c2, UUID.randomUUID(), "我要转人工"));
        assertThat(person.get("status")).isEqualTo("handed_off");
        assertThat(events("kb.answer.sent.v1", c2)).singleElement()
                .satisfies(s -> assertThat(s.path("content").asString()).contains("非工作时间").contains(closed));
        assertThat(events("kb.conversation.handed-off.v1", c2)).hasSize(1); // still queued, for the morning

        // within the hours (a range around now) the usual notice
        String open = "%02d:00-%02d:00".formatted(now.getHour(), (now.getHour() + 1) % 24);
        configure(tenant, true, List.of(), List.of(), open, 0);
        UUID c3 = UUID.randomUUID();
        decided(askAs(tenant, c3, UUID.randomUUID(), "我要转人工"));
        assertThat(events("kb.answer.sent.v1", c3)).singleElement()
                .satisfies(s -> assertThat(s.path("content").asString()).doesNotContain("非工作时间"));

        // a draft outside the hours: the holding notice says when reviewers are back
        configure(tenant, false, List.of(), List.of(), closed, 0);
        UUID c4 = UUID.randomUUID();
        assertThat(decided(askAs(tenant, c4, UUID.randomUUID(), FAQ_QUESTION)).get("status")).isEqualTo("draft");
        assertThat(events("kb.answer.sent.v1", c4)).singleElement().satisfies(s -> {
            assertThat(s.path("origin").asString()).isEqualTo("holding");
            assertThat(s.path("content").asString()).contains("非工作时间");
        });
    }

    @Test
    void anAutomaticAnswerWaitsForTheReplyDelayWithoutHoldingTheConsumerOrATransaction() {
        UUID tenant = faqTenant();
        UUID banned = UUID.randomUUID();
        configure(tenant, true, List.of(banned.toString()), List.of(), null, 10);

        UUID delayedConversation = UUID.randomUUID();
        Instant asked = Instant.now();
        UUID delayed = askAs(tenant, delayedConversation, UUID.randomUUID(), FAQ_QUESTION);
        UUID other = UUID.randomUUID();
        UUID next = askAs(tenant, other, banned, FAQ_QUESTION);

        // the next question is handled while the first one waits: no consumer thread sleeps on the delay
        decided(next);
        // the waiting claim is committed and readable (no transaction holds it), its lease stretched past the delay
        Map<String, Object> waiting = jdbc.queryForMap("select status, lease_until from ai_answer where message_id = ?", delayed);
        assertThat(waiting.get("status")).isEqualTo("pending");
        assertThat(((Timestamp) waiting.get("lease_until")).toInstant()).isAfter(asked.plusSeconds(10));
        assertThat(events("kb.answer.sent.v1", delayedConversation)).isEmpty();

        Map<String, Object> sent = decided(delayed);
        assertThat(sent.get("status")).isEqualTo("sent");
        Timestamp published = jdbc.queryForObject("select created_at from kefu_outbox where event_type = 'kb.answer.sent.v1'"
                + " and envelope->>'subject' = ?", Timestamp.class, delayedConversation.toString());
        assertThat(Duration.between(asked, published.toInstant())).isGreaterThanOrEqualTo(Duration.ofSeconds(10).minusMillis(50));
        assertThat(events("kb.answer.sent.v1", delayedConversation)).singleElement()
                .satisfies(s -> assertThat(s.path("content").asString()).contains(KB_ANSWER));
    }

    @Test
    void anOlderConfigArrivingLateDoesNotReplaceANewerOne() {
        UUID tenant = faqTenant();
        configure(tenant, true, List.of("新词"), List.of(), null, 0);
        configure(tenant, true, List.of("最新的词"), List.of(), null, 0);
        publishConfig(tenant, false, List.of("旧词"), List.of(), null, 9, 1); // version 1 again, redelivered late
        configure(UUID.randomUUID(), true, List.of(), List.of(), null, 0); // behind it on the same queue: the late one was read
        UUID marker = UUID.randomUUID();
        decided(askAs(tenant, marker, UUID.randomUUID(), "最新的词"));
        Map<String, Object> kept = jdbc.queryForMap("select auto_mode, reply_delay, version from ai_tenant_rule where tenant_id = ?", tenant);
        assertThat(kept.get("version")).isEqualTo(2L);
        assertThat(kept.get("auto_mode")).isEqualTo(true);
        assertThat(kept.get("reply_delay")).isEqualTo(0);
        assertThat(jdbc.queryForObject("select handoff_reason from ai_answer where conversation_id = ?", String.class, marker))
                .isEqualTo("blacklisted");
    }
}
