package io.kefu.chat.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.StompTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's message phase at small scale: more SENDs at once than the connection pool can store in a
 * heart-beat window (a pool of 4, every insert slowed to 0.5 s, 80 SENDs at once), while other users
 * connect and disconnect (presence announcements on the same pool). A session's heart-beats wait
 * behind its frames and the broker closes a session silent for three of them (here 3 × 2 s): before the
 * frame budget, the SENDs queued for Hikari's 30 s and the sessions were closed ({@code Session closed.}).
 * Now every SEND is acked or refused with its {@code clientMsgId} within seconds, no session closes,
 * nothing is stored twice or lost (a refused message is not stored; sent again, it is), and presence is
 * still announced once per transition.
 */
@KefuIntegrationTest(classes = ChatApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.datasource.hikari.maximum-pool-size=4",
                "kefu.chat.realtime.heartbeat=2s",
                "kefu.chat.realtime.frame-db-permits=2",
                "kefu.chat.realtime.frame-db-wait=1s",
                "kefu.chat.realtime.presence-db-permits=1",
                "kefu.chat.conversation.send-rate-permits=1000",
                "kefu.chat.conversation.send-rate-period=60s",
                "kefu.jobs.local.channel-inbound-retry.cron=",
                "kefu.jobs.local.presence-purge.cron=",
                "kefu.jobs.local.remote-call-sweep.cron=",
                "kefu.jobs.local.outbox-housekeeping.cron=",
                "kefu.jobs.local.upload-orphan-sweep.cron="})
class SendStarvationIT extends ChatItSupport {

    static final int CUSTOMERS = 40;
    static final int SENDS_EACH = 2;
    static final int CHURNERS = 4;
    static final long HEARTBEAT_MILLIS = 2_000;
    /** Answered within this long, or the session was starved (its heart-beats wait behind the SEND). */
    static final Duration ANSWER = Duration.ofSeconds(20);
    static final String SLOW = "starve:";
    static final String TRIGGER = "kefu_it_slow_" + UUID.randomUUID().toString().replace("-", "");

    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void slowInserts() {
        // Only this test's messages are slowed (the table is shared with other test runs): each holds its connection 0.5 s.
        jdbc.execute("create function " + TRIGGER + "() returns trigger language plpgsql as $$ begin if new.content like '" + SLOW
                + "%' then perform pg_sleep(0.5); end if; return new; end $$");
        jdbc.execute("create trigger " + TRIGGER + " before insert on message for each row execute function " + TRIGGER + "()");
    }

    @AfterEach
    void normalInserts() {
        jdbc.execute("drop trigger if exists " + TRIGGER + " on message");
        jdbc.execute("drop function if exists " + TRIGGER + "()");
    }

    @Test
    void everySendIsAckedOrRefusedWithItsClientMsgIdAndNoSessionClosesWhenThePoolIsSwamped() throws Exception {
        String url = "ws://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + "/ws";
        UUID tenant = UUID.randomUUID();
        List<StompTestClient> clients = new ArrayList<>();
        Map<String, JsonNode> answers = new ConcurrentHashMap<>();
        try {
            for (int i = 0; i < CUSTOMERS; i++) {
                StompTestClient c = StompTestClient.connect(url, customer(tenant).token(), HEARTBEAT_MILLIS);
                c.subscribe("/user/queue/acks", f -> answers.put(f.path("clientMsgId").asString(), f))
                        .subscribe("/user/queue/errors", f -> answers.put(f.path("clientMsgId").asString(), f)).ready();
                clients.add(c);
            }
            List<Person> churners = new ArrayList<>();
            for (int i = 0; i < CHURNERS; i++) {
                churners.add(agent(tenant));
            }
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService churn = Executors.newFixedThreadPool(CHURNERS);
            List<Future<Integer>> rounds = new ArrayList<>();
            CountDownLatch churning = new CountDownLatch(CHURNERS);
            for (Person p : churners) {
                rounds.add(churn.submit(() -> {
                    int n = 0;
                    churning.countDown();
                    while (!stop.get()) {
                        try (StompTestClient c = StompTestClient.connect(url, p.token(), HEARTBEAT_MILLIS)) {
                            c.ready();
                        }
                        n++;
                    }
                    return n;
                }));
            }
            churning.await(10, TimeUnit.SECONDS);

            // Every customer's SENDs at once, one after another on its session (a client does not wait for acks).
            for (int round = 0; round < SENDS_EACH; round++) {
                for (int i = 0; i < CUSTOMERS; i++) {
                    clients.get(i).send("/app/chat.send", Map.of("content", SLOW + i + "-" + round, "clientMsgId", id(i, round)));
                }
            }
            try {
                await("every SEND answered", () -> answers.keySet().containsAll(allIds()));
            } catch (AssertionError e) {
                long closed = clients.stream().filter(c -> !c.connected()).count();
                throw new AssertionError(e.getMessage() + " (" + closed + " of " + CUSTOMERS + " sessions closed)", e);
            }
            stop.set(true);
            churn.shutdown();
            assertThat(churn.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            List<String> refused = new ArrayList<>();
            for (int i = 0; i < CUSTOMERS; i++) {
                StompTestClient c = clients.get(i);
                assertThat(c.nextError(Duration.ZERO)).as("customer %d's session was closed", i).isNull();
                assertThat(c.connected()).isTrue();
                for (int round = 0; round < SENDS_EACH; round++) {
                    JsonNode answer = answers.get(id(i, round));
                    long stored = storedCount(id(i, round));
                    if (answer.has("messageId")) {
                        assertThat(stored).as("acked %s stored once", id(i, round)).isEqualTo(1);
                    } else {
                        assertThat(answer.path("code").asString()).isEqualTo("service-unavailable");
                        assertThat(answer.path("status").asInt()).isEqualTo(503);
                        assertThat(answer.path("destination").asString()).isEqualTo("/app/chat.send");
                        assertThat(stored).as("refused %s not stored", id(i, round)).isZero();
                        refused.add(id(i, round));
                    }
                }
            }
            // Some were refused (the pool could not store 80 in time) and the rest acked.
            assertThat(refused).isNotEmpty().hasSizeLessThan(CUSTOMERS * SENDS_EACH);

            // The client sends a refused message again, once the rush is over (and again while it is refused): stored now, once.
            jdbc.execute("drop trigger if exists " + TRIGGER + " on message");
            for (String id : refused) {
                int i = Integer.parseInt(id.split("-")[1]);
                for (int attempt = 0; attempt < 10 && !(answers.containsKey(id) && answers.get(id).has("messageId")); attempt++) {
                    answers.remove(id);
                    clients.get(i).send("/app/chat.send", Map.of("content", "again " + id, "clientMsgId", id));
                    await("an answer to " + id, () -> answers.containsKey(id));
                }
                assertThat(answers.get(id).has("messageId")).as("%s acked when sent again: %s", id, answers.get(id)).isTrue();
            }
            for (String id : allIds()) {
                assertThat(storedCount(id)).as(id).isEqualTo(1);
            }

            // Presence, with the pool swamped: each churner announced online, then offline as often (a transition
            // once each; a reconnect that overtook its disconnect is no transition), and offline at the end.
            for (int k = 0; k < CHURNERS; k++) {
                Person p = churners.get(k);
                assertThat(rounds.get(k).get()).isPositive();
                await("churner offline", () -> PresenceOutbox.count(jdbc, p.id(), true) >= 1
                        && PresenceOutbox.count(jdbc, p.id(), false) == PresenceOutbox.count(jdbc, p.id(), true));
            }
        } finally {
            clients.forEach(StompTestClient::close);
        }
    }

    private long storedCount(String clientMsgId) {
        return jdbc.queryForObject("select count(*) from message where client_msg_id = ?", Long.class, clientMsgId);
    }

    private static String id(int customer, int round) {
        return "c-" + customer + "-" + round + "-" + RUN;
    }

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static List<String> allIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            for (int round = 0; round < SENDS_EACH; round++) {
                ids.add(id(i, round));
            }
        }
        return ids;
    }
}
