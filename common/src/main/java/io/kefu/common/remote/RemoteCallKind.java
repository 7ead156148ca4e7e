package io.kefu.common.remote;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One kind of remote call a service makes (a WeChat customer-service message, an SMS, a Feishu card):
 * a bean, found by {@link #name()} when {@link RemoteCalls} carries out or sweeps a call of that kind.
 *
 * <p>{@link #call} runs <b>outside any transaction</b>: it may read what it needs, then talks to the
 * provider and reports what happened; it never writes the service's state. {@link #recorded} runs
 * inside the transaction that settles the call, once per final outcome, and records the domain
 * outcome (a message marked sent or failed). If that transaction fails after a successful call, the
 * claim's lease runs out with no outcome, and {@link #whenOutcomeLost()} decides what follows.
 *
 * @param <T> the payload: a record, stored as JSON with the call
 */
public interface RemoteCallKind<T> {

    /** Stable name, stored with each call ({@code chat.channel-delivery}); at most 100 characters. */
    String name();

    Class<T> payloadType();

    /**
     * Makes the call, outside any transaction. A thrown exception counts as a transient failure
     * ({@link RemoteCallOutcome#retry}); a final refusal is {@link RemoteCallOutcome#failed}.
     */
    RemoteCallOutcome call(T payload, Attempt attempt);

    /**
     * Records a final outcome (done, failed, or unknown) in the service's own tables, inside the
     * transaction that settles the call; an exception rolls the settlement back.
     */
    void recorded(T payload, RemoteCallOutcome outcome);

    /**
     * What happens to a claim whose lease ran out with no outcome (the instance died, or the outcome
     * transaction failed, after the call may have reached the provider). The default sends once:
     * the call is marked unknown and never resent. Return {@link LostOutcome#RESEND} only when the
     * provider itself ignores a repeated request (an idempotency key it honours).
     */
    default LostOutcome whenOutcomeLost() {
        return LostOutcome.MARK_UNKNOWN;
    }

    /** How long a claim holds before the sweep treats its outcome as lost; null = {@code kefu.remote-calls.lease}. */
    default @Nullable Duration lease() {
        return null;
    }

    /** The rule for a lost outcome. */
    enum LostOutcome {
        /** Settle as {@link RemoteCallOutcome.Status#UNKNOWN} and tell {@link #recorded}: never sent twice. */
        MARK_UNKNOWN,
        /** Make the call again (only for a provider that deduplicates repeated requests). */
        RESEND
    }

    /** Which try this is (1 for the first) of the call with this key. */
    record Attempt(String key, int number) {
    }
}
