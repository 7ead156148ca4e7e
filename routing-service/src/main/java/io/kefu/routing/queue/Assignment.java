package io.kefu.routing.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventPublisher;
import io.kefu.routing.agent.Agent;
import io.kefu.routing.agent.AgentNotices.CapacityFreed;
import io.kefu.routing.agent.AgentNotices.WentOffline;
import io.kefu.routing.agent.Agents;
import io.kefu.routing.events.ConversationAssigned;
import io.kefu.routing.events.QueuePositionChanged;
import io.kefu.routing.queue.Routes.QueueKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import jakarta.annotation.PreDestroy;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Assigns waiting conversations to agents. One pass over a queue runs under that queue's Redisson lock
 * (one instance at a time), and each single assignment is its own transaction of two version-checked
 * updates — the route from waiting to assigned, the agent's load + 1 below capacity — so even work that
 * bypasses the lock (a release, a status change, a transfer) can never produce a double assignment or
 * an agent over capacity: a stale row makes the update miss and the pass picks again.
 */
@Component
public class Assignment {

    private static final Logger log = LoggerFactory.getLogger(Assignment.class);

    private final Routes routes;
    private final Agents agents;
    private final RedissonClient redisson;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final LiveProperties<RoutingProperties> properties;
    private final Clock clock;
    /** Passes requested while one runs are folded into one more pass, per queue. */
    private final ConcurrentHashMap<QueueKey, Boolean> pending = new ConcurrentHashMap<>();
    private final ExecutorService passes = Executors.newVirtualThreadPerTaskExecutor();
    private final Tracer tracer;
    /** Queue wait (queued → assigned) as ops chart it: {@code kefu.routing.queue.wait}, with percentiles. */
    private final Timer queueWait;

    Assignment(Routes routes, Agents agents, RedissonClient redisson, EventPublisher events, TransactionTemplate tx,
            LiveProperties<RoutingProperties> properties, Clock clock, ObjectProvider<Tracer> tracer,
            MeterRegistry meters) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.queueWait = Timer.builder("kefu.routing.queue.wait")
                .description("Time a customer waited in the queue before an agent was assigned").publishPercentileHistogram()
                .register(meters);
        this.routes = routes;
        this.agents = agents;
        this.redisson = redisson;
        this.events = events;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /** Schedules a pass over a queue soon, on this instance; several requests make one pass. */
    public void requestPass(UUID tenantId, String groupName) {
        QueueKey key = new QueueKey(tenantId, groupName);
        if (pending.putIfAbsent(key, Boolean.TRUE) == null) {
            // The pass continues the trace of what asked for it (the customer's message, the agent going online),
            // so routing.conversation.assigned.v1 carries that trace instead of starting a new one.
            passes.submit(tracer.currentTraceContext().wrap(() -> {
                pending.remove(key);
                Span span = tracer.nextSpan().name("routing assignment pass").tag("kefu.routing.group", groupName).start();
                try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
                    PassResult result = pass(tenantId, groupName);
                    span.tag("kefu.routing.assigned", Integer.toString(result.assigned()));
                } catch (RuntimeException e) {
                    span.error(e);
                    log.warn("Assignment pass over {}/{} failed; the periodic sweep retries", tenantId, groupName, e);
                } finally {
                    span.end();
                }
            }));
        }
    }

    /**
     * Queue events of this package and capacity notices of agents start a pass after their commit (at once without a
     * transaction), in the trace that was current when they were published: a batch of chat's events commits after
     * its events' spans have ended, and each event's pass still continues that event's trace.
     */
    @EventListener
    void on(CapacityFreed freed) {
        afterCommit(() -> requestPass(freed.tenantId(), freed.groupName()));
    }

    @EventListener
    void on(QueueChanged changed) {
        afterCommit(() -> requestPass(changed.tenantId(), changed.groupName()));
    }

    private void afterCommit(Runnable action) {
        Runnable traced = tracer.currentTraceContext().wrap(action);
        if (!TransactionSynchronizationManager.isSynchronizationActive() || !TransactionSynchronizationManager.isActualTransactionActive()) {
            traced.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                traced.run();
            }
        });
    }

    /** An agent who went offline hands back the conversations waiting for their reply, to the front of the queue. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(WentOffline offline) {
        for (Route route : routes.awaitingReplyFrom(offline.staffId())) {
            tx.executeWithoutResult(status -> {
                Instant now = clock.instant();
                Instant front = routes.frontOf(route.tenantId(), route.groupName()).map(i -> i.minusMillis(1)).orElse(now);
                if (routes.enqueue(route, route.groupName(), route.priority(), front, now)) {
                    agents.release(offline.staffId());
                }
            });
        }
        requestPass(offline.tenantId(), offline.groupName());
    }

    /** What a pass did, for tests and logs. */
    public record PassResult(int assigned, boolean ranHere) {
    }

    /** One pass over a queue: assign while there are waiting conversations and agents with room. */
    public PassResult pass(UUID tenantId, String groupName) {
        RoutingProperties props = properties.get();
        RLock lock = redisson.getLock("kefu:routing:queue:" + tenantId + ":" + groupName);
        boolean locked;
        try {
            locked = lock.tryLock(props.lockWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PassResult(0, false);
        }
        if (!locked) {
            return new PassResult(0, false); // the holder's pass sees our committed entries; the sweep is the backstop
        }
        int assigned = 0;
        try {
            int fruitless = 0;
            while (fruitless < 5) {
                List<Route> waiting = routes.waiting(tenantId, groupName, props.batchSize());
                List<Agent> free = agents.available(tenantId, groupName);
                if (waiting.isEmpty() || free.isEmpty()) {
                    break;
                }
                boolean progressed = false;
                for (Route route : waiting) {
                    if (free.isEmpty()) {
                        break;
                    }
                    if (assignOne(route, free, props).isEmpty()) {
                        // The head of the queue could not be placed (it or the agents changed meanwhile):
                        // start again from a fresh read rather than skip it, so order is kept.
                        break;
                    }
                    assigned++;
                    progressed = true;
                    free = agents.available(tenantId, groupName);
                }
                fruitless = progressed ? 0 : fruitless + 1;
            }
        } finally {
            lock.unlock();
        }
        notifyPositions(tenantId, groupName);
        return new PassResult(assigned, true);
    }

    private Optional<Agent> assignOne(Route route, List<Agent> free, RoutingProperties props) {
        for (Agent agent : order(route, free, props)) {
            Boolean done = tx.execute(status -> {
                Instant now = clock.instant();
                if (!routes.assign(route, agent.staffId(), now) || !agents.reserve(agent.staffId(), agent.version())) {
                    status.setRollbackOnly();
                    return false;
                }
                long waited = route.enqueuedAt() == null ? 0 : Duration.between(route.enqueuedAt(), now).toSeconds();
                events.publish(new ConversationAssigned(route.conversationId(), route.customerId(), agent.staffId(), route.previousAgentId(),
                        route.groupName(), Math.max(0, waited), now, route.priority()), route.tenantId().toString(), route.conversationId().toString());
                return true;
            });
            if (Boolean.TRUE.equals(done)) {
                if (route.enqueuedAt() != null) {
                    queueWait.record(Duration.between(route.enqueuedAt(), clock.instant()));
                }
                return Optional.of(agent);
            }
            if (routes.find(route.conversationId()).filter(r -> r.version() == route.version()).isEmpty()) {
                return Optional.empty(); // the route itself changed: leave it to the next pass
            }
            // else the agent changed (load, status): try the next candidate with this route
        }
        return Optional.empty();
    }

    /** Candidates for a route, best first: sticky agent, then skill match, then the configured strategy. */
    List<Agent> order(Route route, List<Agent> free, RoutingProperties props) {
        Optional<UUID> sticky = routes.lastAgentOf(route.tenantId(), route.customerId(), clock.instant().minus(props.stickyWindow()));
        return candidateOrder(route, free, props, sticky);
    }

    /**
     * The pure rule behind {@link #order}: agents covering the route's skills first (when skill match is
     * on), then the strategy, then id; the customer's recent agent ({@code sticky}) moves to the front; whoever
     * handed the conversation back (a transfer, going offline) goes last, so they get it again only if nobody
     * else can.
     */
    static List<Agent> candidateOrder(Route route, List<Agent> free, RoutingProperties props, Optional<UUID> sticky) {
        Comparator<Agent> leastLoaded = Comparator.comparingInt(Agent::currentLoad);
        Comparator<Agent> longestIdle = Comparator.comparing(a -> a.lastAssignedAt() == null ? Instant.EPOCH : a.lastAssignedAt());
        Comparator<Agent> strategy = props.assignmentStrategy() == RoutingProperties.Strategy.LONGEST_IDLE ? longestIdle.thenComparing(leastLoaded)
                : leastLoaded.thenComparing(longestIdle);
        Comparator<Agent> bySkills = Comparator.comparing(a -> !(props.skillMatch() && a.skills().containsAll(route.skills())));
        List<Agent> ordered = new ArrayList<>(free);
        ordered.sort(bySkills.thenComparing(strategy).thenComparing(Agent::staffId));
        sticky.filter(id -> !id.equals(route.previousAgentId()))
                .flatMap(id -> ordered.stream().filter(a -> a.staffId().equals(id)).findFirst()).ifPresent(a -> {
                    ordered.remove(a);
                    ordered.addFirst(a);
                });
        ordered.stream().filter(a -> a.staffId().equals(route.previousAgentId())).findFirst().ifPresent(a -> {
            ordered.remove(a);
            ordered.addLast(a);
        });
        return ordered;
    }

    /** Tells waiting customers their place when it moved materially (or they are next in line). */
    void notifyPositions(UUID tenantId, String groupName) {
        RoutingProperties props = properties.get();
        List<Route> waiting = routes.waiting(tenantId, groupName, 1000);
        int online = Math.max(1, agents.online(tenantId).size());
        for (int i = 0; i < waiting.size(); i++) {
            Route route = waiting.get(i);
            int position = i + 1;
            Integer told = route.notifiedPosition();
            boolean material = told == null || Math.abs(told - position) >= props.positionNoticeStep() || (position <= 3 && told != position);
            if (material) {
                long eta = estimatedWait(position, online, props);
                tx.executeWithoutResult(status -> {
                    routes.notifiedPosition(route.conversationId(), position);
                    events.publish(new QueuePositionChanged(route.conversationId(), route.customerId(), position, eta, clock.instant()),
                            tenantId.toString(), route.conversationId().toString());
                });
            }
        }
    }

    static long estimatedWait(int position, int onlineAgents, RoutingProperties props) {
        return (long) Math.ceil((double) position / onlineAgents) * props.averageHandleTime().toSeconds();
    }

    /** Every queue with someone waiting gets a pass (the XXL-JOB sweep, safe on several instances). */
    public int sweep() {
        int assigned = 0;
        for (QueueKey key : routes.nonEmptyQueues()) {
            assigned += pass(key.tenantId(), key.groupName()).assigned();
        }
        return assigned;
    }

    @PreDestroy
    void stop() {
        passes.shutdown();
    }

    /** Published by this package when a queue got a new entry. */
    record QueueChanged(UUID tenantId, String groupName) {
    }
}
