package io.kefu.routing.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.routing.agent.Agent;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure rules of assignment, without a context: candidate order and the estimated wait. */
class CandidateOrderTest {

    static final Instant NOW = Instant.parse("2026-01-05T02:00:00Z");
    static final UUID TENANT = UUID.randomUUID();

    static RoutingProperties props(String... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put("kefu.routing." + keyValues[i], keyValues[i + 1]);
        }
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", values));
        return LiveProperties.bind(environment, RoutingProperties.class).get();
    }

    static Agent agent(String name, int load, Duration idle, String... skills) {
        return new Agent(UUID.nameUUIDFromBytes(name.getBytes()), TENANT, name, "default", List.of(skills), 5, true, "online", NOW, load,
                NOW.minus(idle), 1);
    }

    static Route route(UUID previousAgent, String... skills) {
        return new Route(UUID.randomUUID(), TENANT, UUID.randomUUID(), "web", "waiting", "default", List.of(skills), 0, NOW, null, null,
                previousAgent, null, null, null, null, 1);
    }

    static List<String> names(List<Agent> agents) {
        return agents.stream().map(Agent::name).toList();
    }

    final Agent busyIdle = agent("busy-long-idle", 3, Duration.ofHours(2));
    final Agent freeRecent = agent("free-recent", 0, Duration.ofMinutes(1));
    final Agent halfMid = agent("half-mid", 1, Duration.ofMinutes(30), "billing");

    @Test
    void leastLoadedFirstThenLongestIdle() {
        assertThat(names(Assignment.candidateOrder(route(null), List.of(busyIdle, freeRecent, halfMid), props(), Optional.empty())))
                .containsExactly("free-recent", "half-mid", "busy-long-idle");
    }

    @Test
    void longestIdleFirstWhenConfigured() {
        assertThat(names(Assignment.candidateOrder(route(null), List.of(busyIdle, freeRecent, halfMid), props("strategy", "longest-idle"),
                Optional.empty()))).containsExactly("busy-long-idle", "half-mid", "free-recent");
    }

    @Test
    void agentsWithTheSkillsComeFirstUnlessSkillMatchIsOff() {
        assertThat(names(Assignment.candidateOrder(route(null, "billing"), List.of(busyIdle, freeRecent, halfMid), props(), Optional.empty())))
                .first().isEqualTo("half-mid");
        assertThat(names(Assignment.candidateOrder(route(null, "billing"), List.of(busyIdle, freeRecent, halfMid), props("skill-match", "false"),
                Optional.empty()))).first().isEqualTo("free-recent");
    }

    @Test
    void theCustomersRecentAgentComesFirstAndWhoeverHandedItBackLast() {
        assertThat(names(Assignment.candidateOrder(route(null), List.of(busyIdle, freeRecent, halfMid), props(),
                Optional.of(busyIdle.staffId())))).containsExactly("busy-long-idle", "free-recent", "half-mid");
        assertThat(names(Assignment.candidateOrder(route(freeRecent.staffId()), List.of(busyIdle, freeRecent, halfMid), props(),
                Optional.of(freeRecent.staffId())))).containsExactly("half-mid", "busy-long-idle", "free-recent");
    }

    @Test
    void theEstimatedWaitIsWholeRoundsOfTheAverageHandleTime() {
        RoutingProperties props = props("average-handle-time", "180s");
        assertThat(Assignment.estimatedWait(1, 2, props)).isEqualTo(180);
        assertThat(Assignment.estimatedWait(2, 2, props)).isEqualTo(180);
        assertThat(Assignment.estimatedWait(3, 2, props)).isEqualTo(360);
        assertThat(Assignment.estimatedWait(5, 1, props)).isEqualTo(900);
    }
}
