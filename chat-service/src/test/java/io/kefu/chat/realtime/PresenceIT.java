package io.kefu.chat.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.StompTestClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence as routing sees it (chat.presence.changed.v1 in the outbox): one "online" and one "offline"
 * per stretch of being connected, however sessions race, and "offline" for sessions of an instance
 * that died. Short presence TTL and sweep so that lapsing is quick.
 */
@KefuIntegrationTest(classes = ChatApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kefu.chat.realtime.presence-ttl=2s", "kefu.chat.realtime.presence-refresh=300ms", "kefu.chat.realtime.presence-sweep=300ms"})
class PresenceIT extends ChatItSupport {

    static final Duration WAIT = Duration.ofSeconds(15);

    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Presence presence;

    String ws() {
        return "ws://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + "/ws";
    }

    @Test
    void sessionsOpeningAndClosingAtOnceAnnounceTheUserOnlineOnceAndOfflineOnce() throws Exception {
        Person agent = agent(UUID.randomUUID());
        int rounds = 10;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= rounds; round++) {
                CyclicBarrier opening = new CyclicBarrier(2);
                CyclicBarrier closing = new CyclicBarrier(2);
                List<Future<?>> sessions = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    sessions.add(pool.submit(() -> {
                        opening.await();
                        try (StompTestClient client = StompTestClient.connect(ws(), agent.token())) {
                            client.subscribe("/user/queue/pong").ready();
                            closing.await();
                        }
                        return null;
                    }));
                }
                for (Future<?> session : sessions) {
                    session.get();
                }
                int expected = round;
                await("offline " + round, () -> count(agent.id(), false) == expected);
                assertThat(count(agent.id(), true)).as("online announcements after round %d", round).isEqualTo(round);
            }
        } finally {
            pool.shutdownNow();
        }
        Thread.sleep(1000); // a late duplicate would show now
        assertThat(count(agent.id(), true)).isEqualTo(rounds);
        assertThat(count(agent.id(), false)).isEqualTo(rounds);
    }

    @Test
    void sessionsOfAnInstanceThatDiedAreAnnouncedOfflineOnceAfterTheyLapse() throws Exception {
        Person agent = agent(UUID.randomUUID());
        Person other = agent(UUID.randomUUID());
        try (StompTestClient crashed = StompTestClient.connect(ws(), agent.token());
                StompTestClient alive = StompTestClient.connect(ws(), other.token())) {
            crashed.subscribe("/user/queue/pong").ready();
            alive.subscribe("/user/queue/pong").ready();
            await("online", () -> count(agent.id(), true) == 1 && count(other.id(), true) == 1);

            presence.forgetLocalSessions(); // no more refreshes and no close for the sessions so far, as after a kill -9
            try (StompTestClient later = StompTestClient.connect(ws(), other.token())) {
                later.subscribe("/user/queue/pong").ready(); // a session opened after the "crash" keeps `other` online

                await("the lapsed user is announced offline", () -> count(agent.id(), false) == 1);
                Thread.sleep(2500); // longer than the TTL: `other` still has a live, refreshed session
                assertThat(count(other.id(), false)).isZero();
            }
        }
        await("other offline after its last session closed", () -> count(other.id(), false) == 1);
        Thread.sleep(1000);
        assertThat(count(agent.id(), false)).as("offline announced once").isEqualTo(1);
        assertThat(count(other.id(), true)).isEqualTo(1);
    }

    private long count(UUID userId, boolean online) {
        return jdbc.queryForObject("""
                select count(*) from kefu_outbox where event_type = 'chat.presence.changed.v1' and envelope->>'subject' = ?
                  and (envelope->'data'->>'online')::boolean = ?""", Long.class, userId.toString(), online);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting until " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
