package io.kefu.push.dispatch;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.kefu.common.config.LiveProperties;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The urgent lane's fast path: a priority 9-10 message accepted by this instance is claimed and sent here
 * at once, by one of {@code urgent-pool} platform threads kept waiting for it, instead of travelling
 * accepted → publisher thread → broker → consumer → claim. On this 2-core machine under a batch each of
 * those hops waited for a core: 60-180 ms of a priority-9 message's time went before its claim.
 *
 * <p>Only a thread that is idle takes a message (direct hand-off, no queue here): when all are busy, the
 * message is published to its urgent queue as before, so a burst spreads over the instances' urgent
 * consumers. Nothing is lost for safety: the claim is the same one statement ({@code queued → sending}),
 * so a copy delivered from the queue later (a republication) finds it taken; and a process killed before
 * the claim leaves a committed {@code queued} row never published, which {@code push-dispatch-due}
 * publishes (the lost-publication case), or after it a leased row that the lease job settles.
 */
@Component
class UrgentLane implements DisposableBean {

    private final Dispatcher dispatcher;
    private final LiveProperties<DispatchProperties> properties;
    private final ThreadPoolExecutor threads;

    UrgentLane(Dispatcher dispatcher, LiveProperties<DispatchProperties> properties) {
        this.dispatcher = dispatcher;
        this.properties = properties;
        int size = properties.get().urgentPool();
        this.threads = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Thread.ofPlatform().name("push-urgent-local-", 0).daemon(true).factory(), new ThreadPoolExecutor.AbortPolicy());
        // started now, so a hand-off finds a thread waiting instead of creating one
        threads.prestartAllCoreThreads();
    }

    /**
     * Hands {@code queued} (committed) to idle lane threads in order; answers those no thread was free for, to
     * publish. A list longer than the lane (a priority-9 batch) is mostly published: the lane takes what it can.
     */
    List<Messages.Queued> dispatchOrLeave(List<Messages.Queued> queued) {
        for (int i = 0; i < queued.size(); i++) {
            Messages.Queued q = queued.get(i);
            try {
                threads.execute(() -> dispatcher.deliver(q.channel(), q.id()));
            } catch (RejectedExecutionException e) {
                return queued.subList(i, queued.size());
            }
        }
        return List.of();
    }

    /** {@code urgent-pool} changed (hot): as many threads waiting. */
    void resize() {
        int size = properties.get().urgentPool();
        if (size > threads.getMaximumPoolSize()) {
            threads.setMaximumPoolSize(size);
            threads.setCorePoolSize(size);
        } else {
            threads.setCorePoolSize(size);
            threads.setMaximumPoolSize(size);
        }
        threads.prestartAllCoreThreads();
    }

    @Override
    public void destroy() {
        threads.shutdown();
    }
}
