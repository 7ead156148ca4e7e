package io.kefu.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.kefu.stats.ingest.Replays;
import io.kefu.stats.rollup.Rollups;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.core.Message;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The kb-ai, ticket and push definitions of the metric dictionary against hand-computed values, one day
 * (two days ago, Asia/Shanghai), published as those producers publish them, some out of order or twice.
 *
 * <pre>
 * AI  F  asked 09:00, kb auto answer 09:00:05, ended 09:05                     → KB hit; deflection verified
 *     G  asked 09:10, draft (kbHit) 09:10:05 judged sent_as_is 09:12, ended 09:20;
 *        G's customer opens a new conversation at 09:40                          → KB hit, accurate; returned (not deflected)
 *     H  asked 09:30, kb-ai hands off at the question (no KB hit) 09:30:04       → hand-off (routing's queueing never seen); not deflected
 *     I  asked 10:00, draft (no hit) 10:00:05 edited 10:03, draft (hit) 10:04 timed out,
 *        ended 10:10, re-opened 10:30                                            → 1 miss + 1 hit; 1 inaccurate, 1 not judged; returned
 *     → questions 5 (auto 1, drafts 3, hand-off at question 1), KB hit 3/5, accuracy 1/2, hand-offs 1 of 4 AI conversations,
 *       deflection 1 verified of 4 decided
 * Ticket T1 created 09:00 resolved 12:00                      → SLA met
 *        T2 created 09:00 breached 13:00 resolved 15:00       → missed
 *        T3 created 10:00 resolved 11:00, its breach (detected 10:30) arrives after the resolution → missed
 *        T4 created 10:00 escalated 10:20 (delivered twice)   → open, escalated
 *     → opened 4, escalations 1, resolved 3, SLA met 1/3
 * Push  M1 sms sent 84 ms, M2 sms sent 116 ms, M3 email sent 200 ms, M4 email dead, M5 sms unknown then re-driven and sent 50 ms,
 *       M6 app failed → 6 messages, 4 sent: success 4/6, average send time 450/4 = 112.5 ms, failures 2;
 *       sms 3/3, email 1/2, app 0/1
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProducerMetricsIT extends StatsItSupport {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    final UUID tenant = UUID.randomUUID();
    final LocalDate day = LocalDate.now(ZONE).minusDays(2);
    final Map<String, UUID> ids = new HashMap<>();
    final Map<UUID, String> conversationNames = new HashMap<>();
    String escalation;

    @Autowired
    Rollups rollups;
    @Autowired
    Replays replays;

    Instant at(String time) {
        return day.atTime(java.time.LocalTime.parse(time)).atZone(ZONE).toInstant();
    }

    UUID id(String name) {
        return ids.computeIfAbsent(name, k -> UUID.randomUUID());
    }

    @BeforeAll
    void publishTheDay() {
        // on one channel, so that each queue has them in the order written (I's re-opening after its end, T3's breach after
        // its resolution), as a producer's outbox relay sends them
        inOrder(this::publishEvents);
        awaitStored(tenant, 39);
        // the ticket queue is consumed in order: once this later event is stored, the duplicate was handled
        inOrder(() -> {
            redeliver(tenant, escalation);
            ticket("ticket.created.v1", "t-marker", Map.of("createdAt", at("23:59").plusSeconds(3600 * 24)));
        });
        awaitStored(tenant, 40);
    }

    /** The day's events, published as their producers publish them. */
    void publishEvents() {
        UUID gCustomer = UUID.randomUUID();
        Conv f = conversation(tenant, UUID.randomUUID(), "miniapp").opened(at("09:00")).aiRequested(at("09:00:01"));
        answerSent(f, "auto", at("09:00:05"));
        f.ended(null, at("09:00"), at("09:05"));
        Conv g = conversation(tenant, gCustomer, "mp").opened(at("09:10")).aiRequested(at("09:10:01"));
        drafted(g, "g1", true, at("09:10:05"));
        reviewed(g, "g1", "sent_as_is", at("09:12"));
        answerSent(g, "reviewed", at("09:12")); // a reviewed answer is not an auto answer
        g.ended(null, at("09:10"), at("09:20"));
        Conv gReturn = conversation(tenant, gCustomer, "mp").opened(at("09:40"));
        Conv h = conversation(tenant, UUID.randomUUID(), "mp").opened(at("09:30")).aiRequested(at("09:30:01"));
        publish(rabbit, "kb.conversation.handed-off.v1", tenant, h.id(), Map.of("answerId", id("h1").toString(), "conversationId", h.id().toString(),
                "customerId", h.customer().toString(), "reason", "low_score", "intent", "person", "band", "fallback", "score", 0.3, "kbHit", false,
                "atQuestion", true, "handedOffAt", at("09:30:04").toString()));
        Conv i = conversation(tenant, UUID.randomUUID(), "wecom").opened(at("10:00")).aiRequested(at("10:00:01"));
        drafted(i, "i1", false, at("10:00:05"));
        reviewed(i, "i1", "edited", at("10:03"));
        drafted(i, "i2", true, at("10:04"));
        reviewed(i, "i2", "timed_out", at("10:09"));
        i.ended(null, at("10:00"), at("10:10")).opened(at("10:30"));
        conversationNames.putAll(Map.of(f.id(), "F", g.id(), "G", gReturn.id(), "G's return", h.id(), "H", i.id(), "I"));

        ticket("ticket.created.v1", "t1", Map.of("createdAt", at("09:00")));
        ticket("ticket.resolved.v1", "t1", Map.of("createdAt", at("09:00"), "resolvedAt", at("12:00")));
        ticket("ticket.created.v1", "t2", Map.of("createdAt", at("09:00")));
        ticket("ticket.sla-breached.v1", "t2", Map.of("detectedAt", at("13:00")));
        ticket("ticket.resolved.v1", "t2", Map.of("createdAt", at("09:00"), "resolvedAt", at("15:00")));
        ticket("ticket.created.v1", "t3", Map.of("createdAt", at("10:00")));
        ticket("ticket.resolved.v1", "t3", Map.of("createdAt", at("10:00"), "resolvedAt", at("11:00")));
        ticket("ticket.sla-breached.v1", "t3", Map.of("detectedAt", at("10:30")));
        ticket("ticket.created.v1", "t4", Map.of("createdAt", at("10:00")));
        escalation = ticket("ticket.escalated.v1", "t4", Map.of("escalatedAt", at("10:20")));

        sent("m1", "sms", 84, at("11:00"));
        sent("m2", "sms", 116, at("11:01"));
        sent("m3", "email", 200, at("11:02"));
        failed("m4", "email", "dead", at("11:03"));
        failed("m5", "sms", "unknown", at("11:04"));
        sent("m5", "sms", 50, at("11:30"));
        failed("m6", "app", "failed", at("11:05"));
    }

    void answerSent(Conv c, String origin, Instant at) {
        publish(rabbit, "kb.answer.sent.v1", tenant, c.id(), Map.of("answerId", UUID.randomUUID().toString(), "conversationId", c.id().toString(),
                "customerId", c.customer().toString(), "messageId", UUID.randomUUID().toString(), "content", "营业时间 9:00-21:00", "origin", origin,
                "band", "auto", "score", 0.95, "model", "kb", "sentAt", at.toString()));
    }

    void drafted(Conv c, String answer, boolean kbHit, Instant at) {
        publish(rabbit, "kb.answer.drafted.v1", tenant, c.id(), Map.of("answerId", id(answer).toString(), "conversationId", c.id().toString(),
                "band", "draft", "score", 0.7, "kbHit", kbHit, "intent", "aftersale", "model", "qwen-plus", "draftedAt", at.toString()));
    }

    void reviewed(Conv c, String answer, String verdict, Instant at) {
        publish(rabbit, "kb.answer.reviewed.v1", tenant, c.id(), Map.of("answerId", id(answer).toString(), "conversationId", c.id().toString(),
                "verdict", verdict, "band", "draft", "score", 0.7, "reviewerId", UUID.randomUUID().toString(), "reviewedAt", at.toString()));
    }

    String ticket(String routingKey, String ticket, Map<String, Instant> times) {
        Map<String, Object> data = new HashMap<>(Map.of("ticketId", id(ticket).toString(), "serviceProviderId", UUID.randomUUID().toString(),
                "type", "system_issue", "priority", "normal", "title", "端口无法登录", "target", "resolution", "reason", "需要原厂支持"));
        times.forEach((k, v) -> data.put(k, v.toString()));
        return publish(rabbit, "ticket." + routingKey, tenant, id(ticket), data);
    }

    void sent(String message, String channel, long millis, Instant at) {
        publish(rabbit, "push.message.sent.v1", tenant, id(message), Map.of("messageId", id(message).toString(), "channel", channel,
                "provider", "test", "attempts", 1, "sendMillis", millis, "latencyMillis", millis + 100, "sentAt", at.toString()));
    }

    void failed(String message, String channel, String outcome, Instant at) {
        publish(rabbit, "push.message.failed.v1", tenant, id(message), Map.of("messageId", id(message).toString(), "channel", channel,
                "provider", "test", "outcome", outcome, "reason", "test", "attempts", 5, "failedAt", at.toString()));
    }

    JsonNode overview() {
        Response r = get("/api/stats/overview?from=" + day + "&to=" + day, supervisor(tenant));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body();
    }

    static JsonNode figure(JsonNode overview, String metric) {
        return overview.path("figures").path(metric);
    }

    void assertTheDay(JsonNode o) {
        assertThat(figure(o, "ai.auto-answered").path("count").asLong()).as(rowsOf("ai.auto-answered")).isEqualTo(1);
        assertThat(figure(o, "ai.drafted").path("count").asLong()).as(rowsOf("ai.drafted")).isEqualTo(3);
        assertThat(figure(o, "kb.hit").path("count").asLong()).as(rowsOf("kb.hit")).isEqualTo(5);
        assertThat(figure(o, "kb.hit").path("value").asDouble()).as(rowsOf("kb.hit")).isCloseTo(3.0 / 5, within(1e-9));
        assertThat(figure(o, "ai.accuracy").path("count").asLong()).as(rowsOf("ai.accuracy")).isEqualTo(2);
        assertThat(figure(o, "ai.accuracy").path("value").asDouble()).as(rowsOf("ai.accuracy")).isEqualTo(0.5);
        assertThat(figure(o, "ai.conversation").path("count").asLong()).as(rowsOf("ai.conversation")).isEqualTo(4);
        assertThat(figure(o, "ai.handoff").path("count").asLong()).as(rowsOf("ai.handoff")).isEqualTo(1);
        assertThat(o.path("derived").path("aiHandoffRate").asDouble()).as(rowsOf("ai.handoff", "ai.conversation")).isEqualTo(0.25);
        JsonNode deflection = o.path("derived").path("deflection");
        assertThat(deflection.path("verified").asLong()).as(conversationRows()).isEqualTo(1);
        assertThat(deflection.path("cancelled").asLong()).as(conversationRows()).isEqualTo(3);
        assertThat(deflection.path("rate").asDouble()).as(conversationRows()).isEqualTo(0.25);

        assertThat(figure(o, "ticket.opened").path("count").asLong()).as(rowsOf("ticket.opened")).isEqualTo(4);
        assertThat(figure(o, "ticket.escalated").path("count").asLong()).as(rowsOf("ticket.escalated")).isEqualTo(1);
        assertThat(figure(o, "ticket.resolved").path("count").asLong()).as(rowsOf("ticket.resolved")).isEqualTo(3);
        assertThat(o.path("derived").path("slaMet").asDouble()).as(rowsOf("ticket.resolved")).isCloseTo(1.0 / 3, within(1e-9));

        assertThat(figure(o, "push.sent").path("count").asLong()).as(rowsOf("push.sent")).isEqualTo(6);
        assertThat(o.path("derived").path("pushSuccessRate").asDouble()).as(rowsOf("push.sent")).isCloseTo(4.0 / 6, within(1e-9));
        assertThat(o.path("derived").path("pushAvgSendMillis").asDouble()).as(rowsOf("push.sent")).isEqualTo(112.5);
        assertThat(figure(o, "push.failed").path("count").asLong()).as(rowsOf("push.failed")).isEqualTo(2);
    }

    /**
     * A failure's evidence: the tenant's measurement rows of these metrics (what an open day's figure sums), the day's
     * rollup rows (what a closed day's figure reads instead) and whether the day is closed.
     */
    Supplier<String> rowsOf(String... metrics) {
        return () -> {
            StringBuilder out = new StringBuilder("day " + day + (jdbc.queryForObject("select count(*) from closed_day where tenant_id = ? and day = ?",
                    Long.class, tenant, day) > 0 ? " (closed)" : " (open)"));
            for (String metric : metrics) {
                out.append("\n  measurements of ").append(metric).append(':');
                jdbc.queryForList("select key, at, value, good, conversation_id, agent_id, group_name, channel from measurement "
                        + "where tenant_id = ? and metric = ? order by at, key", tenant, metric).forEach(r -> out.append("\n    ").append(r));
                out.append("\n  day rollups of ").append(metric).append(':');
                jdbc.queryForList("select bucket, dimension, dim_value, cnt, total, good from rollup where tenant_id = ? and metric = ? and grain = 'day' "
                        + "order by 1, 2, 3", tenant, metric).forEach(r -> out.append("\n    ").append(r));
            }
            return out.toString();
        };
    }

    /** A deflection failure's evidence: the tenant's conversation rows (named as in the class comment), which the deflection query reads. */
    Supplier<String> conversationRows() {
        return () -> {
            StringBuilder out = new StringBuilder("conversations of the tenant:");
            jdbc.queryForList("select conversation_id, customer_id, opened_at, reopened_at, ai_requested_at, queued_at, assigned_at, ai_handed_off_at, "
                    + "ended_at from conversation where tenant_id = ? order by ai_requested_at nulls last, opened_at", tenant)
                    .forEach(r -> out.append("\n  ").append(conversationNames.getOrDefault((UUID) r.get("conversation_id"), "?")).append(' ').append(r));
            return out.toString();
        };
    }

    @Test
    void everyFigureMatchesItsHandComputedValue() {
        assertTheDay(overview());
    }

    @Test
    void pushSuccessIsBrokenDownPerChannel() {
        JsonNode lines = get("/api/stats/by/channel?from=" + day + "&to=" + day, supervisor(tenant)).body();
        Map<String, double[]> perChannel = new HashMap<>();
        lines.path("items").forEach(l -> {
            JsonNode push = l.path("figures").path("push.sent");
            if (push.path("count").asLong() > 0) {
                perChannel.put(l.path("value").asString(), new double[] {push.path("count").asLong(), push.path("value").asDouble()});
            }
        });
        assertThat(perChannel).containsOnlyKeys("sms", "email", "app");
        assertThat(perChannel.get("sms")).containsExactly(3, 1.0);
        assertThat(perChannel.get("email")).containsExactly(2, 0.5);
        assertThat(perChannel.get("app")).containsExactly(1, 0.0);
    }

    @Test
    void drillDownsListTheTicketsAndMessagesBehindAFigure() {
        JsonNode sla = get("/api/stats/drilldown?metric=ticket.resolved&from=" + day + "&to=" + day, supervisor(tenant)).body();
        Map<String, Boolean> met = new HashMap<>();
        sla.path("items").forEach(r -> met.put(r.path("key").asString(), r.path("good").asBoolean()));
        assertThat(met).containsOnly(Map.entry(id("t1").toString(), true), Map.entry(id("t2").toString(), false),
                Map.entry(id("t3").toString(), false));
        JsonNode failures = get("/api/stats/drilldown?metric=push.failed&from=" + day + "&to=" + day, supervisor(tenant)).body();
        assertThat(failures.path("items").findValuesAsString("key")).containsExactlyInAnyOrder(id("m4").toString(), id("m6").toString());
    }

    @Test
    void closingTheDayAndReplayingItsEventsGiveTheSameNumbers() {
        rollups.closeDay(tenant, day);
        List<Map<String, Object>> closed = jdbc.queryForList("select grain, bucket, metric, dimension, dim_value, cnt, total, good from rollup "
                + "where tenant_id = ? order by 1, 2, 3, 4, 5", tenant);
        assertThat(closed).isNotEmpty();
        assertTheDay(overview());
        replays.replayTenant(tenant);
        rollups.closeDay(tenant, day);
        List<Map<String, Object>> again = jdbc.queryForList("select grain, bucket, metric, dimension, dim_value, cnt, total, good from rollup "
                + "where tenant_id = ? order by 1, 2, 3, 4, 5", tenant);
        assertThat(again.stream().map(Object::toString).toList()).containsExactlyElementsOf(closed.stream().map(Object::toString).toList());
        assertTheDay(overview());
    }

    @Test
    void aForgedEventOfTheseProducersIsDeadLetteredAtOnceWithItsReason() {
        String forged = publish(rabbit, "push.message.failed.v1", tenant, "x", Map.of("messageId", UUID.randomUUID().toString(), "outcome", "exploded",
                "failedAt", Instant.now().toString()));
        String lacking = publish(rabbit, "ticket.ticket.resolved.v1", tenant, "x", Map.of("resolvedAt", Instant.now().toString()));
        Map<String, String> reasons = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (reasons.size() < 2 && System.nanoTime() < deadline) {
            for (String queue : List.of("kefu.push.stats.dlq", "kefu.ticket.stats.dlq")) {
                Message dead = rabbit.receive(queue, 200);
                if (dead != null) {
                    String body = new String(dead.getBody());
                    String reason = String.valueOf(dead.getMessageProperties().getHeaders().get("x-exception-message"));
                    if (body.contains(forged)) {
                        reasons.put("forged", reason);
                    } else if (body.contains(lacking)) {
                        reasons.put("lacking", reason);
                    }
                }
            }
        }
        // the reason is the consumer's own, and one attempt was made (a retried failure says "n attempts")
        assertThat(reasons.get("forged")).contains("unknown outcome: exploded").contains("(1 attempt)");
        assertThat(reasons.get("lacking")).contains("lacks ticketId").contains("(1 attempt)");
    }
}
