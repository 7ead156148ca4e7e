package io.kefu.common.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.kefu.common.it.DemoRemoteCalls.Work;
import io.kefu.common.remote.RemoteCallKind;
import io.kefu.common.remote.RemoteCallOutcome;
import io.kefu.common.remote.RemoteCalls;
import io.kefu.testsupport.KefuApps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** The remote-call shape against real PostgreSQL: once per key, retries with backoff, lost outcomes by the kind's rule. */
class RemoteCallsIT {

    static ConfigurableApplicationContext app;
    static RemoteCalls calls;
    static JdbcTemplate jdbc;
    static TransactionTemplate tx;
    static RemoteCallKind<Work> sendOnce;
    static RemoteCallKind<Work> idempotent;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void start() {
        app = KefuApps.start(CommonItApplication.class, Map.of(
                "spring.cloud.function.definition", "",
                "spring.cloud.stream.function.autodetect", "false",
                "kefu.remote-calls.initial-backoff", "50ms",
                "kefu.remote-calls.max-backoff", "100ms",
                "kefu.remote-calls.max-attempts", "3"));
        calls = app.getBean(RemoteCalls.class);
        jdbc = app.getBean(JdbcTemplate.class);
        tx = app.getBean(TransactionTemplate.class);
        sendOnce = app.getBean("demoSendOnce", RemoteCallKind.class);
        idempotent = app.getBean("demoIdempotent", RemoteCallKind.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static String key(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static void enqueue(RemoteCallKind<Work> kind, String key) {
        tx.executeWithoutResult(s -> calls.enqueue(kind, key, new Work(key)));
    }

    static Map<String, Object> row(String kind, String key) {
        return jdbc.queryForMap("select status, attempts, outcome_code from kefu_remote_call where kind = ? and call_key = ?", kind, key);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aCallIsEnqueuedOnlyInsideATransactionAndOnlyOncePerKey() throws Exception {
        assertThatThrownBy(() -> calls.enqueue(sendOnce, "x", new Work("x"))).isInstanceOf(IllegalStateException.class);
        String key = key("once");
        tx.executeWithoutResult(s -> {
            assertThat(calls.enqueue(sendOnce, key, new Work(key))).isTrue();
            assertThat(calls.enqueue(sendOnce, key, new Work(key))).isFalse();
        });
        enqueue(sendOnce, key); // a redelivered event

        await("done", () -> "done".equals(row("demo.send-once", key).get("status")));
        calls.sweep();
        assertThat(DemoRemoteCalls.calls(key)).isEqualTo(1);
        assertThat(DemoRemoteCalls.RECORDED).containsOnlyOnce("demo.send-once:" + key + ":DONE");
    }

    @Test
    void aRolledBackEnqueueMakesNoCall() {
        String key = key("rollback");
        tx.executeWithoutResult(s -> {
            calls.enqueue(sendOnce, key, new Work(key));
            s.setRollbackOnly();
        });
        calls.sweep();
        assertThat(jdbc.queryForObject("select count(*) from kefu_remote_call where call_key = ?", Long.class, key)).isZero();
        assertThat(DemoRemoteCalls.calls(key)).isZero();
    }

    @Test
    void aTransientFailureIsRetriedAfterABackoffAndGivesUpAfterMaxAttempts() throws Exception {
        String recovers = key("recovers");
        DemoRemoteCalls.script(recovers, RemoteCallOutcome.retry("-1", "busy"));
        String never = key("never");
        DemoRemoteCalls.script(never, RemoteCallOutcome.retry("-1", "busy"), RemoteCallOutcome.retry("-1", "busy"),
                RemoteCallOutcome.retry("-1", "busy"), RemoteCallOutcome.retry("-1", "busy"));
        enqueue(sendOnce, recovers);
        enqueue(sendOnce, never);

        await("recovered", () -> "done".equals(row("demo.send-once", recovers).get("status")));
        await("given up", () -> "failed".equals(row("demo.send-once", never).get("status")));
        assertThat(row("demo.send-once", recovers)).containsEntry("attempts", 2);
        assertThat(row("demo.send-once", never)).containsEntry("attempts", 3).containsEntry("outcome_code", RemoteCallOutcome.GAVE_UP);
        calls.sweep();
        assertThat(DemoRemoteCalls.calls(never)).isEqualTo(3);
        assertThat(DemoRemoteCalls.RECORDED).containsOnlyOnce("demo.send-once:" + never + ":FAILED");
    }

    @Test
    void aFinalRefusalIsRecordedOnceAndNeverRetried() throws Exception {
        String key = key("refused");
        DemoRemoteCalls.script(key, RemoteCallOutcome.failed("45015", "window closed"));
        enqueue(sendOnce, key);
        await("failed", () -> "failed".equals(row("demo.send-once", key).get("status")));
        calls.sweep();
        assertThat(DemoRemoteCalls.calls(key)).isEqualTo(1);
        assertThat(row("demo.send-once", key)).containsEntry("outcome_code", "45015");
    }

    @Test
    void aLostOutcomeIsSettledUnknownAndNotResentUnlessTheProviderIsIdempotent() throws Exception {
        String lost = key("lost");
        String lostIdempotent = key("lost");
        enqueue(sendOnce, lost);
        enqueue(idempotent, lostIdempotent);
        await("both called", () -> DemoRemoteCalls.calls(lost) == 1 && DemoRemoteCalls.calls(lostIdempotent) == 1);
        assertThat(row("demo.send-once", lost)).containsEntry("status", "calling");

        // The outcome transaction failed; time passes and the leases run out.
        jdbc.update("update kefu_remote_call set lease_until = now() - interval '1 second' where call_key in (?, ?)", lost, lostIdempotent);
        RemoteCalls.Swept swept = calls.sweep();

        assertThat(swept.lost()).isGreaterThanOrEqualTo(1);
        assertThat(row("demo.send-once", lost)).containsEntry("status", "unknown").containsEntry("outcome_code", RemoteCallOutcome.LOST);
        assertThat(DemoRemoteCalls.RECORDED).contains("demo.send-once:" + lost + ":UNKNOWN");
        for (int i = 0; i < 3; i++) {
            calls.sweep();
        }
        assertThat(DemoRemoteCalls.calls(lost)).as("never made twice").isEqualTo(1);
        // The idempotent provider's call was made again (and its outcome lost again: it fails on every DONE).
        await("resent", () -> DemoRemoteCalls.calls(lostIdempotent) == 2);
    }
}
