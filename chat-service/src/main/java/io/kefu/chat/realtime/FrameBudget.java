package io.kefu.chat.realtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import org.springframework.stereotype.Component;

/**
 * How many client frames may use or wait for a pooled connection at once ({@code frame-db-permits}), and how
 * long a frame waits for its turn ({@code frame-db-wait}) before it is refused with 503 {@code service-unavailable}.
 *
 * <p>Why: chat handles a session's frames in order, so its heart-beats wait behind a SEND, and the broker
 * closes a session it has read nothing from for three heart-beat intervals (30 s). Every frame runs on a
 * virtual thread of its own; with 10,500 sessions sending, 5,500 of them queued for chat's 10 pooled
 * connections for up to Hikari's 30 s, and 6,000 sessions were closed. Bounded, a busy instance answers
 * the frame in a few seconds (a SEND's refusal carries its {@code clientMsgId}, the client sends it again),
 * and only that many frames compete with the consumers, the outbox relay and presence ({@link PresenceLedger},
 * a budget of its own) for a connection. About twice the pool: a SEND holds its connection for part of its
 * time only, and with 6 permits on a pool of 10 an instance stored 66 SENDs a second where it stored 142
 * with 20 and 170 unbounded (300 at once, one instance, loaded machine).
 */
@Component
class FrameBudget {

    private final Semaphore permits;
    private final Duration wait;

    FrameBudget(LiveProperties<RealtimeProperties> properties) {
        RealtimeProperties p = properties.get(); // at start
        this.permits = new Semaphore(p.frameDbPermits(), true); // fair: the longest waiting frame goes first
        this.wait = p.frameDbWait();
    }

    /** Runs {@code work} with one of the permits, or refuses with 503 when none frees up within {@code frame-db-wait}. */
    <T> T run(Supplier<T> work) {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw new KefuProblemException(ProblemType.UNAVAILABLE, "Too busy to take this now; send it again in a moment",
                    Map.of("retryAfterSeconds", 1));
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }

    void run(Runnable work) {
        run(() -> {
            work.run();
            return null;
        });
    }

    /** Permits free now. For tests. */
    int available() {
        return permits.availablePermits();
    }
}
