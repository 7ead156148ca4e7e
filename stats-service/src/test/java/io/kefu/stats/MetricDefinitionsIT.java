package io.kefu.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.stats.ingest.Replays;
import io.kefu.stats.rollup.Rollups;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every definition of the metric dictionary against hand-computed values: five conversations of one
 * day (three days ago, Asia/Shanghai), published as chat and routing publish them, some events twice.
 *
 * <pre>
 * A mp       opened 10:00, queued 10:00, AI msg 10:00:05, assigned X 10:00:30, X replies 10:01:00, ended 10:10, rated 5
 *            → FRT 60 s (the AI's message at 5 s does not count), wait 30 s, handling 570 s, resolution 600 s
 * B miniapp  opened 11:00, AI asked 11:00:02, bot reply 11:00:03, handed off (queued) 11:02:00, assigned Y 11:02:20,
 *            Y replies 11:03:00, ended 11:20, rated 3 → FRT 60 s (from the hand-off), wait 20 s, handling 1060 s, resolution 1200 s
 * C mp       opened 12:00, queued 12:00, ended 12:05 unassigned → abandoned, resolution 300 s
 * D miniapp  customer K, opened 13:00, AI asked 13:00:01, ended 13:05 → AI only, but K came back at 13:30: not deflected
 * E miniapp  customer K, opened 13:30, AI asked 13:30:01, ended 13:35 → AI only, K did not come back within 24 h: deflected
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricDefinitionsIT extends StatsItSupport {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    final UUID tenant = UUID.randomUUID();
    final UUID x = UUID.randomUUID();
    final UUID y = UUID.randomUUID();
    final LocalDate day = LocalDate.now(ZONE).minusDays(3);
    Conv a;
    Conv b;
    Conv c;
    Conv d;
    Conv e;

    @Autowired
    Rollups rollups;
    @Autowired
    Replays replays;
    @Autowired
    LiveProperties<StatsProperties> properties;
    @Autowired
    ConfigurableEnvironment configurable;

    Instant at(String time) {
        return day.atTime(java.time.LocalTime.parse(time)).atZone(ZONE).toInstant();
    }

    @BeforeAll
    void publishTheDay() {
        UUID k = UUID.randomUUID();
        a = conversation(tenant, UUID.randomUUID(), "mp").opened(at("10:00")).queued(at("10:00")).replied("ai", UUID.randomUUID(), at("10:00:05"))
                .assigned(x, at("10:00:30")).replied("staff", x, at("10:01")).ended(x, at("10:00"), at("10:10")).rated(x, 5, at("10:11"));
        // chat's events may arrive before routing's: B's reply and end are published before its hand-off and assignment
        b = conversation(tenant, UUID.randomUUID(), "miniapp").opened(at("11:00")).aiRequested(at("11:00:02"))
                .replied("ai", UUID.randomUUID(), at("11:00:03")).replied("staff", y, at("11:03")).ended(y, at("11:00"), at("11:20"))
                .queued(at("11:02")).assigned(y, at("11:02:20")).rated(y, 3, at("11:21"));
        c = conversation(tenant, UUID.randomUUID(), "mp").opened(at("12:00")).queued(at("12:00")).ended(null, at("12:00"), at("12:05"));
        d = conversation(tenant, k, "miniapp").opened(at("13:00")).aiRequested(at("13:00:01")).ended(null, at("13:00"), at("13:05"));
        e = conversation(tenant, k, "miniapp").opened(at("13:30")).aiRequested(at("13:30:01")).ended(null, at("13:30"), at("13:35"));
        // the same event delivered twice counts once
        String dup = publish(rabbit, "routing.ai.requested.v1", tenant, e.id(), Map.of("conversationId", e.id().toString(),
                "customerId", k.toString(), "messageId", UUID.randomUUID().toString(), "content", "还在吗", "requestedAt", at("13:31").toString()));
        // routing's queue is consumed in order: once this later event is stored, the duplicate was handled
        inOrder(() -> {
            redeliver(tenant, dup);
            agentStatus(rabbit, tenant, x, "李客服", "online", 0, at("09:00"));
        });
        awaitStored(tenant, 26);
    }

    JsonNode overview() {
        Response r = get("/api/stats/overview?from=" + day + "&to=" + day, supervisor(tenant));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body();
    }

    static double value(JsonNode overview, String metric) {
        return overview.path("figures").path(metric).path("value").asDouble();
    }

    static long count(JsonNode overview, String metric) {
        return overview.path("figures").path(metric).path("count").asLong();
    }

    void assertTheDay(JsonNode o) {
        assertThat(count(o, "conversation.opened")).isEqualTo(5);
        assertThat(count(o, "queue.entered")).isEqualTo(3);
        // FRT: A 60 s (not 5 s: the AI's message does not count), B 60 s from the hand-off (not 180 s from opening)
        assertThat(count(o, "frt")).isEqualTo(2);
        assertThat(value(o, "frt")).isEqualTo(60.0);
        assertThat(value(o, "queue.wait")).isEqualTo(25.0);
        assertThat(count(o, "abandoned")).isEqualTo(1);
        assertThat(o.path("derived").path("abandonmentRate").asDouble()).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(count(o, "handled")).isEqualTo(2);
        assertThat(value(o, "handling")).isEqualTo((570 + 1060) / 2.0);
        assertThat(value(o, "resolution")).isEqualTo((600 + 1200 + 300 + 300 + 300) / 5.0);
        assertThat(count(o, "csat")).isEqualTo(2);
        assertThat(value(o, "csat")).isEqualTo(0.5);
        assertThat(o.path("derived").path("csatResponseRate").asDouble()).isEqualTo(1.0);
        assertThat(count(o, "ai.conversation")).isEqualTo(3);
        assertThat(count(o, "ai.handoff")).isEqualTo(1);
        assertThat(count(o, "ai.question")).isEqualTo(4); // B, D, E and E's second question; its duplicate delivery not counted
        JsonNode deflection = o.path("derived").path("deflection");
        assertThat(deflection.path("aiConversations").asLong()).isEqualTo(3);
        assertThat(deflection.path("verified").asLong()).isEqualTo(1); // E
        assertThat(deflection.path("cancelled").asLong()).isEqualTo(2); // B handed off, D returned
        assertThat(deflection.path("rate").asDouble()).isCloseTo(1.0 / 3, within(1e-9));
    }

    @Test
    void everyDefinitionMatchesTheHandComputedValues() {
        assertTheDay(overview());
    }

    @Test
    void perAgentAndPerChannel() {
        JsonNode byAgent = get("/api/stats/by/agent?from=" + day + "&to=" + day, supervisor(tenant)).body();
        Map<String, JsonNode> agents = new java.util.HashMap<>();
        byAgent.path("items").forEach(line -> agents.put(line.path("value").asString(), line.path("figures")));
        assertThat(agents.get(x.toString()).path("frt").path("value").asDouble()).isEqualTo(60.0);
        assertThat(agents.get(x.toString()).path("csat").path("value").asDouble()).isEqualTo(1.0);
        assertThat(agents.get(y.toString()).path("csat").path("value").asDouble()).isEqualTo(0.0);
        assertThat(agents.get(y.toString()).path("handling").path("value").asDouble()).isEqualTo(1060.0);
        JsonNode byChannel = get("/api/stats/by/channel?from=" + day + "&to=" + day, supervisor(tenant)).body();
        Map<String, JsonNode> channels = new java.util.HashMap<>();
        byChannel.path("items").forEach(line -> channels.put(line.path("value").asString(), line));
        assertThat(channels.get("mp").path("label").asString()).isEqualTo("公众号");
        assertThat(channels.get("mp").path("figures").path("conversation.opened").path("count").asLong()).isEqualTo(2);
        assertThat(channels.get("miniapp").path("figures").path("conversation.opened").path("count").asLong()).isEqualTo(3);
    }

    @Test
    void aShorterDeflectionWindowChangesTheVerdictAtOnce() {
        // D ended 13:05, K came back 13:30: with a 10-minute window that return is too late to cancel D.
        MapPropertySource shorter = new MapPropertySource("test-window", Map.of("kefu.stats.deflection-window", "10m"));
        configurable.getPropertySources().addFirst(shorter);
        try {
            properties.rebind();
            assertThat(overview().path("derived").path("deflection").path("verified").asLong()).isEqualTo(2);
        } finally {
            configurable.getPropertySources().remove("test-window");
            properties.rebind();
        }
        assertThat(overview().path("derived").path("deflection").path("verified").asLong()).isEqualTo(1);
    }

    @Test
    void closingTheDayAndRecomputingItFromStoredEventsGiveTheSameNumbers() {
        rollups.closeDay(tenant, day);
        List<Map<String, Object>> closed = rollupRows();
        assertThat(closed).isNotEmpty();
        assertTheDay(overview()); // now from the rollups
        rollups.closeDay(tenant, day);
        assertThat(rollupRows()).isEqualTo(closed); // closing again writes the same rows

        replays.replayTenant(tenant);
        rollups.closeDay(tenant, day);
        assertThat(rollupRows()).isEqualTo(closed);
        assertTheDay(overview());
    }

    List<Map<String, Object>> rollupRows() {
        return jdbc.queryForList("select grain, bucket, metric, dimension, dim_value, cnt, total, good from rollup where tenant_id = ? "
                + "order by grain, bucket, metric, dimension, dim_value", tenant);
    }

    @Test
    void drillDownListsTheConversationsBehindAFigureAndExportsThem() {
        JsonNode page = get("/api/stats/drilldown?metric=frt&from=" + day + "&to=" + day + "&pageSize=10", supervisor(tenant)).body();
        assertThat(page.path("total").asLong()).isEqualTo(2);
        assertThat(page.path("items").findValuesAsString("conversationId")).containsExactlyInAnyOrder(a.id().toString(), b.id().toString());
        JsonNode byAgent = get("/api/stats/drilldown?metric=frt&dimension=agent&value=" + y + "&from=" + day + "&to=" + day, supervisor(tenant)).body();
        assertThat(byAgent.path("items").findValuesAsString("conversationId")).containsExactly(b.id().toString());
        JsonNode deflection = get("/api/stats/drilldown?metric=deflection&from=" + day + "&to=" + day, supervisor(tenant)).body();
        Map<String, String> verdicts = new java.util.HashMap<>();
        deflection.path("items").forEach(r -> verdicts.put(r.path("conversationId").asString(), r.path("state").asString()));
        assertThat(verdicts).containsEntry(d.id().toString(), "returned").containsEntry(e.id().toString(), "verified")
                .containsEntry(b.id().toString(), "handed-off");

        Response csv = get("/api/stats/drilldown/export?metric=resolution&from=" + day + "&to=" + day, supervisor(tenant));
        assertThat(csv.status()).isEqualTo(200);
        List<String> lines = csv.text().lines().toList();
        assertThat(lines).hasSize(6); // header + one row per conversation
        assertThat(lines.get(0)).contains("conversation");
        assertThat(String.join("\n", lines)).contains(a.id().toString(), b.id().toString(), c.id().toString(), d.id().toString(), e.id().toString());
    }

    @Test
    void aDayIsCountedInTheTenantsTimeZone() {
        // 23:30 in Shanghai the day before is 15:30 UTC: it belongs to the day before, not to this one
        JsonNode before = get("/api/stats/overview?from=" + day.minusDays(1) + "&to=" + day.minusDays(1), supervisor(tenant)).body();
        assertThat(count(before, "conversation.opened")).isZero();
        JsonNode trend = get("/api/stats/trends?from=" + day.minusDays(1) + "&to=" + day.plusDays(1), supervisor(tenant)).body();
        assertThat(trend.path("points")).hasSize(3);
        assertThat(trend.path("points").get(1).path("bucket").asString()).isEqualTo(day.atStartOfDay(ZONE).toInstant().toString());
        assertThat(trend.path("points").get(1).path("figures").path("conversation.opened").path("count").asLong()).isEqualTo(5);
        JsonNode hours = get("/api/stats/trends?grain=hour&from=" + day + "&to=" + day, supervisor(tenant)).body();
        assertThat(hours.path("points")).hasSize(24);
        assertThat(hours.path("points").get(10).path("figures").path("conversation.opened").path("count").asLong()).isEqualTo(1);
        assertThat(hours.path("points").get(13).path("figures").path("conversation.opened").path("count").asLong()).isEqualTo(2);
    }
}
