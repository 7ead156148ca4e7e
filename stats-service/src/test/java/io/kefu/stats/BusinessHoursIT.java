package io.kefu.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.stats.ingest.Replays;
import io.kefu.stats.rollup.Rollups;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Business-hours values of queue wait, FRT and resolution, from the hours auth publishes
 * ({@code auth.tenant.configured.v1}), against hand-computed values. The tenant works 09:00-18:00 (Asia/Shanghai):
 *
 * <pre>
 * P  opened + queued 17:50 (day before), assigned 09:05, staff reply 09:10, ended 09:30
 *    → calendar: wait 15 h 15 min, FRT 15 h 20 min, resolution 15 h 40 min;
 *      business: wait 10 + 5 = 15 min, FRT 10 + 10 = 20 min, resolution 10 + 30 = 40 min
 * Q  opened + queued 10:00, assigned 10:00:30, staff reply 10:01, ended 10:10 (all inside the hours)
 *    → business = calendar: wait 30 s, FRT 60 s, resolution 600 s
 * </pre>
 * A stale configuration (an older version, all day open) arriving later changes nothing. Another tenant
 * without hours gets its calendar values and no business-hours ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BusinessHoursIT extends StatsItSupport {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    final UUID tenant = UUID.randomUUID();
    final UUID noHours = UUID.randomUUID();
    final UUID agent = UUID.randomUUID();
    final LocalDate day = LocalDate.now(ZONE).minusDays(4);

    @Autowired
    Rollups rollups;
    @Autowired
    Replays replays;

    Instant at(LocalDate d, String time) {
        return d.atTime(LocalTime.parse(time)).atZone(ZONE).toInstant();
    }

    void configure(UUID t, String hours, long version) {
        publish(rabbit, "auth.tenant.configured.v1", t, t, Map.ofEntries(Map.entry("tenantId", t.toString()), Map.entry("name", "店铺"),
                Map.entry("status", "active"), Map.entry("aiModel", "qwen"), Map.entry("autoMode", true), Map.entry("blacklist", List.of()),
                Map.entry("whitelist", List.of()), Map.entry("businessHours", hours), Map.entry("replyDelay", 0), Map.entry("version", version),
                Map.entry("occurredAt", Instant.now().toString())));
    }

    @BeforeAll
    void publishTheDay() {
        configure(tenant, "09:00-18:00", 3);
        awaitStored(tenant, 1);
        configure(tenant, "00:00-24:00", 2); // older: must not replace version 3
        awaitStored(tenant, 2);
        // auth's queue is not chat's nor routing's: the hours are known before the conversations are measured
        LocalDate before = day.minusDays(1);
        conversation(tenant, UUID.randomUUID(), "mp").opened(at(before, "17:50")).queued(at(before, "17:50")).assigned(agent, at(day, "09:05"))
                .replied("staff", agent, at(day, "09:10")).ended(agent, at(before, "17:50"), at(day, "09:30"));
        conversation(tenant, UUID.randomUUID(), "mp").opened(at(day, "10:00")).queued(at(day, "10:00")).assigned(agent, at(day, "10:00:30"))
                .replied("staff", agent, at(day, "10:01")).ended(agent, at(day, "10:00"), at(day, "10:10"));
        conversation(noHours, UUID.randomUUID(), "mp").opened(at(day, "10:00")).queued(at(day, "10:00")).assigned(agent, at(day, "10:00:30"))
                .replied("staff", agent, at(day, "10:01")).ended(agent, at(day, "10:00"), at(day, "10:10"));
        awaitStored(tenant, 12);
        awaitStored(noHours, 5);
        await("both conversations measured", Duration.ofSeconds(30), () -> figure(overview(tenant), "resolution").path("count").asLong() == 2);
    }

    JsonNode overview(UUID t) {
        Response r = get("/api/stats/overview?from=" + day + "&to=" + day, supervisor(t));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body();
    }

    static JsonNode figure(JsonNode overview, String metric) {
        return overview.path("figures").path(metric);
    }

    void assertTheDay(JsonNode o) {
        assertThat(figure(o, "queue.wait").path("value").asDouble()).isEqualTo((15 * 3600 + 15 * 60 + 30) / 2.0);
        assertThat(figure(o, "frt").path("value").asDouble()).isEqualTo((15 * 3600 + 20 * 60 + 60) / 2.0);
        assertThat(figure(o, "resolution").path("value").asDouble()).isEqualTo((15 * 3600 + 40 * 60 + 600) / 2.0);
        assertThat(figure(o, "queue.wait.business").path("count").asLong()).isEqualTo(2);
        assertThat(figure(o, "queue.wait.business").path("value").asDouble()).isEqualTo((15 * 60 + 30) / 2.0);
        assertThat(figure(o, "frt.business").path("value").asDouble()).isEqualTo((20 * 60 + 60) / 2.0);
        assertThat(figure(o, "resolution.business").path("value").asDouble()).isEqualTo((40 * 60 + 600) / 2.0);
        assertThat(figure(o, "frt.business").path("label").asString()).isEqualTo("首次响应时长（工作时间）");
    }

    @Test
    void waitsOverTheNightCountOnlyTheMinutesInsideTheTenantsHours() {
        assertTheDay(overview(tenant));
    }

    @Test
    void aTenantWithoutHoursHasCalendarValuesOnly() {
        JsonNode o = overview(noHours);
        assertThat(figure(o, "frt").path("value").asDouble()).isEqualTo(60.0);
        assertThat(figure(o, "frt.business").path("count").asLong()).isZero();
        assertThat(figure(o, "queue.wait.business").path("count").asLong()).isZero();
        assertThat(figure(o, "resolution.business").path("count").asLong()).isZero();
    }

    @Test
    void businessValuesArePerAgentAndDrillDownToTheirConversations() {
        JsonNode agents = get("/api/stats/by/agent?from=" + day + "&to=" + day, supervisor(tenant)).body();
        JsonNode line = null;
        for (JsonNode l : agents.path("items")) {
            if (l.path("value").asString().equals(agent.toString())) {
                line = l;
            }
        }
        assertThat(line).as(agents.toString()).isNotNull();
        assertThat(line.path("figures").path("frt.business").path("value").asDouble()).isEqualTo(630.0);
        JsonNode page = get("/api/stats/drilldown?metric=frt.business&from=" + day + "&to=" + day, supervisor(tenant)).body();
        assertThat(page.path("total").asLong()).isEqualTo(2);
        assertThat(page.path("items").findValues("value").stream().map(JsonNode::asDouble).toList()).containsExactlyInAnyOrder(1200.0, 60.0);
    }

    @Test
    void closingTheDayAndReplayingTheTenantGiveTheSameBusinessValues() {
        rollups.closeDay(tenant, day);
        List<Map<String, Object>> closed = rollupRows();
        assertThat(closed).extracting(r -> r.get("metric")).contains("frt.business", "queue.wait.business", "resolution.business");
        assertTheDay(overview(tenant)); // from the rollups
        replays.replayTenant(tenant);
        rollups.closeDay(tenant, day);
        assertThat(rollupRows()).isEqualTo(closed);
        assertTheDay(overview(tenant));
    }

    List<Map<String, Object>> rollupRows() {
        return jdbc.queryForList("select grain, bucket, metric, dimension, dim_value, cnt, total, good from rollup where tenant_id = ? "
                + "order by grain, bucket, metric, dimension, dim_value", tenant);
    }
}
