package io.kefu.stats.metric;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Work that the events of one ingest transaction (a batch of up to 200) leave to just before its commit, so that it
 * is done once, set-based (one statement for the batch's stored events, one read of its conversations, one delete and
 * one insert of their measurements), instead of a few round trips per event.
 *
 * <p>What an event adds is staged while it runs ({@link #event}) and kept only if it succeeded: a refused (forged)
 * event, rolled back to its savepoint by the inbox, leaves nothing here either. The pending work of a transaction is
 * done in its {@code beforeCommit} ({@link #order}: lower first), inside the transaction: a failure there rolls the
 * batch back like any other. Without a transaction the work is done at once. A flush never adds to a {@code Deferred}
 * flushed before it (a lower order): it calls the direct, set-based forms.
 */
public final class Deferred<T> {

    private static final ThreadLocal<List<Runnable>> EVENT = new ThreadLocal<>();

    private final int order;
    private final Supplier<T> empty;
    private final Consumer<T> flush;

    public Deferred(int order, Supplier<T> empty, Consumer<T> flush) {
        this.order = order;
        this.empty = empty;
        this.flush = flush;
    }

    /** Runs one event's effect; what it adds to any {@code Deferred} is kept only if it returns normally. */
    public static void event(Runnable effect) {
        List<Runnable> outer = EVENT.get();
        List<Runnable> staged = new ArrayList<>();
        EVENT.set(staged);
        try {
            effect.run();
        } finally {
            EVENT.set(outer);
        }
        staged.forEach(Runnable::run);
    }

    /** Adds to this transaction's pending work (staged until the running event succeeded). */
    public void add(Consumer<T> adding) {
        List<Runnable> staged = EVENT.get();
        if (staged != null) {
            staged.add(() -> apply(adding));
        } else {
            apply(adding);
        }
    }

    /** Does the pending work now (a replay does so before the tenant's business hours change). */
    public void flushNow() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        @SuppressWarnings("unchecked")
        T pending = (T) TransactionSynchronizationManager.getResource(this);
        if (pending != null) {
            TransactionSynchronizationManager.unbindResource(this);
            flush.accept(pending);
        }
    }

    private void apply(Consumer<T> adding) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            T now = empty.get();
            adding.accept(now);
            flush.accept(now);
            return;
        }
        @SuppressWarnings("unchecked")
        T pending = (T) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            pending = empty.get();
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public int getOrder() {
                    return order;
                }

                @Override
                public void beforeCommit(boolean readOnly) {
                    flushNow();
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(Deferred.this);
                }
            });
        }
        adding.accept(pending);
    }
}
