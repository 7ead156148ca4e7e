package io.kefu.common.remote;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventJson;
import io.kefu.common.remote.RemoteCallKind.Attempt;
import io.kefu.common.remote.RemoteCallOutcome.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Remote calls made once, never inside a transaction (table {@code kefu_remote_call}):
 * <ol>
 *   <li>{@link #enqueue} writes the call in the caller's transaction (a consumer's inbox transaction,
 *       a service method's), idempotent on (kind, key): a redelivered event enqueues nothing new;</li>
 *   <li>after commit a worker claims it — one statement moves it from {@code pending} to
 *       {@code calling} with a lease and a fresh claim token — so no other instance takes it;</li>
 *   <li>the kind's {@link RemoteCallKind#call} runs with no transaction and no connection held;</li>
 *   <li>a second, short transaction settles the call (fenced by the claim token) and lets the kind
 *       record its domain outcome ({@link RemoteCallKind#recorded}). A transient failure puts the call
 *       back to {@code pending} with exponential backoff.</li>
 * </ol>
 * If the process dies, or the outcome transaction fails, between the call and its settlement, the
 * claim's lease runs out: {@link #sweep()} then follows the kind's {@link RemoteCallKind#whenOutcomeLost()}
 * rule — by default the call is settled {@code unknown} and not made again (it is sent at most once).
 * The sweep (a service's {@code @XxlJob}) also carries out due calls whose worker never came (a full
 * queue, a restart) and retries, and deletes settled calls past {@code kefu.remote-calls.retention}.
 */
public class RemoteCalls implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RemoteCalls.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final LiveProperties<RemoteCallsProperties> properties;
    private final Clock clock;
    private final ObjectProvider<RemoteCallKind<?>> kindBeans;
    private final String instance;
    private final JsonMapper json = EventJson.mapper();
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private volatile @Nullable Map<String, RemoteCallKind<?>> kinds;
    private final MeterRegistry meters;

    public RemoteCalls(JdbcTemplate jdbc, TransactionTemplate tx, LiveProperties<RemoteCallsProperties> properties, Clock clock,
            ObjectProvider<RemoteCallKind<?>> kindBeans, String instance, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
        this.kindBeans = kindBeans;
        this.instance = instance;
        int threads = properties.get().threads();
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
                Thread.ofVirtual().name("kefu-remote-call-", 0).factory(), new ThreadPoolExecutor.AbortPolicy());
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("kefu-remote-call-timer").factory());
    }

    /**
     * Writes a call of {@code kind} in the current transaction; it is made after commit. Idempotent on
     * {@code key}: a second enqueue of the same key (a redelivered event) adds nothing.
     *
     * @return true if this enqueue added the call, false if the key was there already
     */
    public <T> boolean enqueue(RemoteCallKind<T> kind, String key, T payload) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("remote calls are enqueued inside the transaction that decides them");
        }
        if (kind(kind.name()).isEmpty()) {
            throw new IllegalArgumentException("remote-call kind " + kind.name() + " is not a bean: the sweep could not carry it out");
        }
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        int added = jdbc.update("""
                insert into kefu_remote_call (id, kind, call_key, payload, status, next_attempt_at, created_at, updated_at)
                values (?, ?, ?, ?::jsonb, 'pending', ?, ?, ?) on conflict (kind, call_key) do nothing""",
                id, kind.name(), key, json.writeValueAsString(payload), ts(now), ts(now), ts(now));
        if (added == 0) {
            return false;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                submit(id);
            }
        });
        return true;
    }

    /** Carries out the call if it is pending and due; otherwise does nothing. Never inside a transaction. */
    public void run(UUID id) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a remote call is made outside any transaction");
        }
        RemoteCallsProperties p = properties.get();
        Instant now = clock.instant();
        UUID token = UUID.randomUUID();
        List<String> kindOf = jdbc.queryForList("select kind from kefu_remote_call where id = ? and status = 'pending'", String.class, id);
        if (kindOf.isEmpty()) {
            return; // done, or another worker has it
        }
        Optional<RemoteCallKind<?>> kind = kind(kindOf.getFirst());
        if (kind.isEmpty()) {
            log.warn("Remote call {} of unknown kind {} left pending", id, kindOf.getFirst());
            return;
        }
        Duration lease = kind.get().lease() == null ? p.lease() : kind.get().lease();
        // 1. Claim: one statement, so its own short transaction; only one worker moves it out of pending.
        List<Claimed> claimed = jdbc.query("""
                update kefu_remote_call set status = 'calling', attempts = attempts + 1, claim_token = ?, claimed_by = ?,
                       lease_until = ?, updated_at = ?
                where id = ? and status = 'pending' and next_attempt_at <= ?
                returning kind, call_key, payload::text, attempts""",
                (rs, n) -> new Claimed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4)),
                token, instance, ts(now.plus(lease)), ts(now), id, ts(now));
        if (claimed.isEmpty()) {
            return; // not due yet, or another worker claimed it first
        }
        Claimed call = claimed.getFirst();
        carryOut(id, token, kind.get(), call);
    }

    private <T> void carryOut(UUID id, UUID token, RemoteCallKind<T> kind, Claimed call) {
        T payload = json.readValue(call.payload(), kind.payloadType());
        // 2. Call, with no transaction and no connection held.
        RemoteCallOutcome outcome;
        long started = System.nanoTime();
        try {
            outcome = kind.call(payload, new Attempt(call.key(), call.attempts()));
        } catch (RuntimeException e) {
            outcome = RemoteCallOutcome.retry("exception", e.toString());
        }
        // Every attempt, by the party's own answer code (WeChat's errcode, an HTTP status, "ok"): what ops alert on.
        Timer.builder("kefu.remote.calls").description("Calls to third parties (WeChat, SMS, mail, LLM, ...)")
                .tag("kind", kind.name()).tag("outcome", outcome.status().code())
                .tag("code", outcome.code() == null ? "ok" : outcome.code())
                .register(meters).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        // 3. Settle, and let the kind record its domain outcome, in a second transaction.
        RemoteCallsProperties p = properties.get();
        RemoteCallOutcome settled = outcome.status() == Status.RETRY && call.attempts() >= p.maxAttempts()
                ? RemoteCallOutcome.failed(RemoteCallOutcome.GAVE_UP, "after " + call.attempts() + " attempts: " + outcome.code() + " "
                        + outcome.detail())
                : outcome;
        Duration backoff = p.backoff(call.attempts());
        boolean recorded;
        try {
            recorded = Boolean.TRUE.equals(tx.execute(status -> settle(id, token, kind, payload, settled, backoff)));
        } catch (RuntimeException e) {
            log.error("Remote call {} {} key {} was made ({}) but its outcome could not be recorded; its lease will run out: {}",
                    kind.name(), id, call.key(), outcome.status(), e.toString());
            return;
        }
        if (!recorded) {
            log.warn("Remote call {} {} key {} ended {} after its claim was taken over; outcome dropped", kind.name(), id, call.key(),
                    settled.status());
        } else if (settled.status() == Status.RETRY) {
            log.info("Remote call {} {} key {} attempt {} failed transiently ({} {}); again in {}", kind.name(), id, call.key(),
                    call.attempts(), settled.code(), settled.detail(), backoff);
            schedule(id, backoff);
        }
    }

    private <T> boolean settle(UUID id, UUID token, RemoteCallKind<T> kind, T payload, RemoteCallOutcome outcome, Duration backoff) {
        Instant now = clock.instant();
        int updated;
        if (outcome.status() == Status.RETRY) {
            updated = jdbc.update("""
                    update kefu_remote_call set status = 'pending', next_attempt_at = ?, lease_until = null, claim_token = null,
                           outcome_code = ?, outcome_detail = ?, updated_at = ?
                    where id = ? and claim_token = ? and status = 'calling'""",
                    ts(now.plus(backoff)), cut(outcome.code(), 64), cut(outcome.detail(), 1000), ts(now), id, token);
            return updated == 1;
        }
        // A late outcome may still replace "unknown": the call's real result is better than a guess.
        updated = jdbc.update("""
                update kefu_remote_call set status = ?, lease_until = null, outcome_code = ?, outcome_detail = ?, finished_at = ?,
                       updated_at = ?
                where id = ? and claim_token = ? and status in ('calling', 'unknown')""",
                outcome.status().code(), cut(outcome.code(), 64), cut(outcome.detail(), 1000), ts(now), ts(now), id, token);
        if (updated == 1) {
            kind.recorded(payload, outcome);
        }
        return updated == 1;
    }

    /** What one sweep did. */
    public record Swept(int made, int lost, int resent, int purged) {
    }

    /**
     * Carries out due calls (retries, calls whose worker never came), settles claims whose lease ran
     * out by their kind's rule, and deletes settled calls past the retention. Idempotent and safe on
     * several instances: every step claims or locks its rows first. Never inside a transaction.
     */
    public Swept sweep() {
        RemoteCallsProperties p = properties.get();
        Instant now = clock.instant();
        int lost = 0;
        int resent = 0;
        List<UUID> expired = jdbc.queryForList("""
                select id from kefu_remote_call where status = 'calling' and lease_until < ? order by lease_until limit ?""",
                UUID.class, ts(now), p.sweepBatch());
        for (UUID id : expired) {
            String rule = tx.execute(status -> expire(id));
            if ("unknown".equals(rule)) {
                lost++;
            } else if ("resend".equals(rule)) {
                resent++;
            }
        }
        List<UUID> due = jdbc.queryForList("""
                select id from kefu_remote_call where status = 'pending' and next_attempt_at <= ? order by next_attempt_at limit ?""",
                UUID.class, ts(clock.instant()), p.sweepBatch());
        due.forEach(this::run);
        int purged = jdbc.update("""
                delete from kefu_remote_call where id in (select id from kefu_remote_call where finished_at < ? limit 1000)""",
                ts(now.minus(p.retention())));
        if (!expired.isEmpty() || !due.isEmpty() || purged > 0) {
            log.info("Remote-call sweep: {} due made, {} lost outcomes settled unknown, {} resent, {} settled deleted", due.size(), lost,
                    resent, purged);
        }
        return new Swept(due.size(), lost, resent, purged);
    }

    private @Nullable String expire(UUID id) {
        Instant now = clock.instant();
        List<Claimed> rows = jdbc.query("""
                select kind, call_key, payload::text, attempts from kefu_remote_call
                where id = ? and status = 'calling' and lease_until < ? for update skip locked""",
                (rs, n) -> new Claimed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4)), id, ts(now));
        if (rows.isEmpty()) {
            return null; // settled meanwhile, or another sweep has it
        }
        Claimed call = rows.getFirst();
        Optional<RemoteCallKind<?>> kind = kind(call.kind());
        if (kind.isEmpty()) {
            log.warn("Remote call {} of unknown kind {} has a lapsed lease; left as it is", id, call.kind());
            return null;
        }
        return expire(id, kind.get(), call, now);
    }

    private <T> String expire(UUID id, RemoteCallKind<T> kind, Claimed call, Instant now) {
        if (kind.whenOutcomeLost() == RemoteCallKind.LostOutcome.RESEND && call.attempts() < properties.get().maxAttempts()) {
            jdbc.update("""
                    update kefu_remote_call set status = 'pending', next_attempt_at = ?, lease_until = null, claim_token = null,
                           outcome_code = ?, outcome_detail = ?, updated_at = ? where id = ?""",
                    ts(now), RemoteCallOutcome.LOST, "lease ran out with no outcome; resent (the provider deduplicates)", ts(now), id);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    submit(id);
                }
            });
            return "resend";
        }
        RemoteCallOutcome unknown = RemoteCallOutcome.unknown("The call may have reached the provider, but its outcome was lost "
                + "(attempt " + call.attempts() + "); not made again, so it is never sent twice");
        // The claim token stays: a worker that is only late (not dead) may still replace "unknown" with the real result.
        jdbc.update("""
                update kefu_remote_call set status = 'unknown', outcome_code = ?, outcome_detail = ?, finished_at = ?, updated_at = ?
                where id = ?""", unknown.code(), unknown.detail(), ts(now), ts(now), id);
        kind.recorded(json.readValue(call.payload(), kind.payloadType()), unknown);
        log.warn("Remote call {} {} key {}: lease ran out with no outcome; settled unknown, not resent", kind.name(), id, call.key());
        return "unknown";
    }

    // ---- plumbing ----

    private record Claimed(String kind, String key, String payload, int attempts) {
    }

    private void submit(UUID id) {
        try {
            workers.execute(() -> {
                try {
                    run(id);
                } catch (RuntimeException e) {
                    log.warn("Remote call {} not carried out now ({}); the sweep will", id, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("Remote call {} queued for the sweep: workers are busy or stopping", id);
        }
    }

    private void schedule(UUID id, Duration delay) {
        try {
            timer.schedule(() -> submit(id), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Remote call {} left to the sweep: stopping", id);
        }
    }

    private Optional<RemoteCallKind<?>> kind(String name) {
        Map<String, RemoteCallKind<?>> known = kinds;
        if (known == null) {
            Map<String, RemoteCallKind<?>> found = new ConcurrentHashMap<>();
            kindBeans.orderedStream().forEach(k -> {
                if (found.putIfAbsent(k.name(), k) != null) {
                    throw new IllegalStateException("two remote-call kinds named " + k.name());
                }
            });
            kinds = known = found;
        }
        return Optional.ofNullable(known.get(name));
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }

    private static @Nullable String cut(@Nullable String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow(); // claims left behind lapse and are settled by the sweep
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
