package io.kefu.chat.realtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.nimbusds.jwt.SignedJWT;
import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.chat.realtime.PresenceLedger.Transition;
import io.kefu.common.security.KefuJwtValidators;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.testsupport.KefuApps;
import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.StompTestClient;
import io.kefu.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence as routing sees it (chat.presence.changed.v1 in the outbox, which every instance of the test
 * shares): one "online" and one "offline" per stretch of being connected however sessions on two
 * instances race, "offline" from a surviving instance for the users of one that died, claims that were
 * never announced taken over, and sessions ended with their token. Short TTL, sweep and token check so
 * that lapsing is quick. "Exactly once" is checked after the user is settled (nothing left in Redis that
 * could announce anything), not after a pause.
 */
class PresenceIT extends ChatItSupport {

    static final Duration WAIT = Duration.ofSeconds(15);

    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Presence presence;
    @Autowired
    PresenceLedger ledger;
    @Autowired
    RedissonClient redisson;

    String ws() {
        return "ws://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + "/ws";
    }

    static String ws(ConfigurableApplicationContext instance) {
        return "ws://127.0.0.1:" + KefuApps.port(instance) + "/ws";
    }

    @Test
    void aUserConnectingOnTwoInstancesAtOnceIsAnnouncedOnlineOnceAndOfflineOnceEveryRound() throws Exception {
        Person agent = agent(UUID.randomUUID());
        List<String> instances = List.of(ws(), ws(secondInstance()));
        int rounds = 20;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= rounds; round++) {
                CyclicBarrier opening = new CyclicBarrier(2);
                CyclicBarrier closing = new CyclicBarrier(2);
                List<Future<?>> sessions = new ArrayList<>();
                for (String instance : instances) {
                    sessions.add(pool.submit(() -> {
                        opening.await();
                        try (StompTestClient client = StompTestClient.connect(instance, agent.token())) {
                            client.ready(); // connected: both sessions overlap until both pass the barrier below
                            closing.await();
                        }
                        return null;
                    }));
                }
                for (Future<?> session : sessions) {
                    session.get(60, TimeUnit.SECONDS);
                }
                int expected = round;
                await("offline after round " + round, () -> count(agent.id(), false) == expected);
                assertThat(count(agent.id(), true)).as("online announcements after round %d", round).isEqualTo(round);
            }
        } finally {
            pool.shutdownNow();
        }
        await("settled", () -> !presence.watches(agent.id()));
        assertThat(count(agent.id(), true)).isEqualTo(rounds);
        assertThat(count(agent.id(), false)).isEqualTo(rounds);
    }

    @Test
    void theUsersOfAnInstanceThatDiedAreAnnouncedOfflineOnceByTheSweepOfAnother() throws Exception {
        Person agent = agent(UUID.randomUUID());
        Person other = agent(UUID.randomUUID());
        ConfigurableApplicationContext doomed = startInstance();
        try (StompTestClient crashed = StompTestClient.connect(ws(doomed), agent.token());
                StompTestClient alive = StompTestClient.connect(ws(), other.token())) {
            crashed.ready();
            alive.ready();
            await("online", () -> count(agent.id(), true) == 1 && count(other.id(), true) == 1);

            // As after kill -9: no more refreshes, and its sessions end without a close being handled.
            doomed.getBean(Presence.class).halt();
            doomed.close();

            await("the dead instance's user announced offline", () -> count(agent.id(), false) == 1);
            await("settled", () -> !presence.watches(agent.id()));
            assertThat(count(agent.id(), false)).as("offline announced once").isEqualTo(1);
            assertThat(count(agent.id(), true)).isEqualTo(1);
            // Longer than the TTL has passed: a live instance's refreshed session still counts.
            assertThat(count(other.id(), false)).isZero();
            assertThat(presence.watches(other.id())).isTrue();
        } finally {
            doomed.close();
        }
        await("other offline after its session closed", () -> count(other.id(), false) == 1);
    }

    @Test
    void aClaimWhoseInstanceDiedBeforeAnnouncingItIsAnnouncedByAnotherSweep() throws Exception {
        UUID userId = UUID.randomUUID();
        KefuPrincipal user = new KefuPrincipal(userId, UUID.randomUUID(), "staff", Set.of("agent"));
        // A session nobody refreshes, whose "online" was claimed and never announced.
        Transition claimed = presence.claimWithoutAnnouncing(user, "ghost-" + UUID.randomUUID());
        assertThat(claimed).isNotNull();
        assertThat(claimed.online()).isTrue();

        await("the claim taken over after its lease", () -> count(userId, true) == 1);
        await("offline once the session lapsed", () -> count(userId, false) == 1);
        await("settled", () -> !presence.watches(userId));
        assertThat(count(userId, true)).isEqualTo(1);
        assertThat(count(userId, false)).isEqualTo(1);
    }

    @Test
    void aTransitionRetriedOrCommittingAfterANewerOneIsNotAnnounced() {
        UUID userId = UUID.randomUUID();
        UUID tenant = UUID.randomUUID();
        Instant at = Instant.now();
        assertThat(ledger.announce(new Transition(userId, 10, true, "staff", tenant, at))).isTrue();
        assertThat(ledger.announce(new Transition(userId, 30, false, "staff", tenant, at))).isTrue();
        assertThat(ledger.announce(new Transition(userId, 20, true, "staff", tenant, at))).as("older, committing late").isFalse();
        assertThat(ledger.announce(new Transition(userId, 30, false, "staff", tenant, at))).as("retried").isFalse();
        assertThat(ledger.announce(new Transition(userId, 40, true, "staff", tenant, at))).isTrue();
        assertThat(count(userId, true)).isEqualTo(2);
        assertThat(count(userId, false)).isEqualTo(1);
    }

    @Test
    void anIdleSessionIsClosedOnceItsTokenExpiredAndItsUserGoesOffline() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID agentId = UUID.randomUUID();
        // Expired 20 s ago: still accepted for the 30 s of clock skew every service allows, then refused.
        Instant now = Instant.now();
        String expiring = TestTokens.token(agentId.toString(), tenant.toString(), "staff", List.of("agent"), now.minusSeconds(60),
                now.minusSeconds(20));
        try (StompTestClient idle = StompTestClient.connect(ws(), expiring)) {
            idle.ready();
            await("online", () -> count(agentId, true) == 1);

            assertThat(idle.nextError(Duration.ofSeconds(45))).contains("expired");
            await("the server closed the session", () -> !idle.connected());
        }
        await("offline", () -> count(agentId, false) == 1);
    }

    @Test
    void anIdleSessionIsClosedOnceItsTokenIsRevoked() throws Exception {
        Person agent = agent(UUID.randomUUID());
        String revoked = KefuJwtValidators.REVOKED_JTI_PREFIX + SignedJWT.parse(agent.token()).getJWTClaimsSet().getJWTID();
        try (StompTestClient idle = StompTestClient.connect(ws(), agent.token())) {
            idle.ready();
            redisson.getBucket(revoked, StringCodec.INSTANCE).set("1", Duration.ofMinutes(5)); // what auth-service's logout does

            assertThat(idle.nextError(WAIT)).contains("revoked");
            await("the server closed the session", () -> !idle.connected());
        } finally {
            redisson.getBucket(revoked, StringCodec.INSTANCE).delete();
        }
        await("offline", () -> count(agent.id(), false) == 1);
    }

    @Test
    void aRefreshPassOverManySessionsKeepsEveryOneCountingAndOneASweepDroppedCountsAgain() {
        UUID tenant = UUID.randomUUID();
        // Several script calls a pass; some users with three sessions, which may fall into different calls.
        Map<String, KefuPrincipal> sessions = new LinkedHashMap<>();
        KefuPrincipal user = null;
        for (int i = 0; i < 2 * Presence.REFRESH_BATCH + 50; i++) {
            if (i % 50 >= 3 || user == null) {
                user = new KefuPrincipal(UUID.randomUUID(), tenant, "customer", Set.of("customer"));
            }
            sessions.put("played-" + i + "-" + UUID.randomUUID(), user);
        }
        List<UUID> users = sessions.values().stream().map(KefuPrincipal::userId).distinct().toList();
        Map.Entry<String, KefuPrincipal> dropped = sessions.entrySet().stream()
                .filter(e -> sessions.values().stream().filter(e.getValue()::equals).count() == 1).reduce((a, b) -> b).orElseThrow();
        sessions.forEach((session, u) -> presence.connected(PlayedSessions.connected(session, u, jwt(u))));
        try {
            assertThat(users).allSatisfy(u -> assertThat(count(u, true)).as("online announced for %s", u).isEqualTo(1));

            // A session nobody refreshes, claimed after the others connected: once it has lapsed, more than the TTL has
            // passed since they connected, and only the refresh kept them counting.
            KefuPrincipal canary = new KefuPrincipal(UUID.randomUUID(), tenant, "customer", Set.of("customer"));
            presence.claimWithoutAnnouncing(canary, "canary-" + UUID.randomUUID());
            await("the unrefreshed canary announced offline", () -> count(canary.userId(), false) == 1);
            assertThat(users).allSatisfy(u -> {
                assertThat(count(u, false)).as("offline announced for %s", u).isZero();
                assertThat(presence.watches(u)).isTrue();
            });

            // What a sweep does to a session of an instance that stalled past the TTL: drops it, and its user (no other
            // session) goes offline. A refresh adds it again: online again, announced after the offline (or, when that
            // refresh's announcement commits first, neither is: the ledger drops the older one and routing saw no change).
            UUID droppedUser = dropped.getValue().userId();
            presence.lapse(dropped.getValue(), dropped.getKey());
            await("the dropped session counted again by a refresh", () -> redisson.getScoredSortedSet(PRESENCE_KEYS + ":" + droppedUser,
                    StringCodec.INSTANCE).contains(dropped.getKey()) && count(droppedUser, true) == count(droppedUser, false) + 1);
        } finally {
            sessions.forEach((session, u) -> presence.disconnected(PlayedSessions.disconnected(session, u, jwt(u))));
        }
        await("everyone offline once they closed", () -> users.stream().allMatch(u -> count(u, false) == count(u, true)));
        await("settled", () -> users.stream().noneMatch(presence::watches));
        assertThat(users.stream().filter(u -> !u.equals(dropped.getValue().userId())))
                .allSatisfy(u -> assertThat(count(u, true)).as("online announced for %s", u).isEqualTo(1));
    }

    /** A token for played sessions: presence looks only at the principal. */
    private static Jwt jwt(KefuPrincipal user) {
        return Jwt.withTokenValue("played").header("alg", "none").subject(user.userId().toString()).build();
    }

    private long count(UUID userId, boolean online) {
        return PresenceOutbox.count(jdbc, userId, online);
    }
}
