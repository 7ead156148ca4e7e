package io.kefu.push.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.template.Channel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Two queues per channel. The bulk queue {@code kefu.push.dispatch.<channel>} is a classic priority
 * queue (x-max-priority {@link PriorityBands#MAX}) for priorities 0-8. Its messages are lots: up to
 * {@code batch-size} ids of one band in one AMQP message ({@link #lots}), which a consumer takes one at a time
 * (prefetching a second) and the dispatcher claims, sends and records together; a bounded lot, so higher bands
 * still go first at each take (behind at most one prefetched lot). The urgent lane
 * {@code kefu.push.dispatch.<channel>.urgent} takes priority 9-10 with consumers of its own, one
 * delivery each: an urgent message never waits for a consumer busy with a batch. Pool sizes change live
 * ({@code kefu.push.dispatch.pools.*}, {@code urgent-pool}) and are exported as gauges
 * {@code kefu.push.pool.size} and {@code kefu.push.pool.active} per channel.
 *
 * <p>Publishing happens after the messages are committed, in chunks with publisher confirms; what is
 * not confirmed stays unpublished in the table and {@link DispatchJobs} publishes it again. The urgent
 * lane has its own AMQP connection (consumers and publications) and its own publishing threads, so a
 * priority-9 message shares neither with a batch in flight.
 */
@Component
public class DispatchQueues implements SmartLifecycle, DisposableBean {

    public static final String PREFIX = "kefu.push.dispatch.";
    private static final Logger log = LoggerFactory.getLogger(DispatchQueues.class);

    private final ConnectionFactory connections;
    private final RabbitTemplate rabbit;
    private final AmqpAdmin admin;
    private final LiveProperties<DispatchProperties> properties;
    private final Dispatcher dispatcher;
    private final UrgentLane lane;
    private final Messages messages;
    private final Clock clock;
    private final Map<Channel, SimpleMessageListenerContainer> containers = new EnumMap<>(Channel.class);
    private final Map<Channel, SimpleMessageListenerContainer> urgentContainers = new EnumMap<>(Channel.class);
    private final Executor publisher = Executors.newVirtualThreadPerTaskExecutor();
    /** Accepted bulk messages not yet handed to the broker, and whether a drainer is publishing them. */
    private final java.util.concurrent.LinkedBlockingQueue<Messages.Queued> pending = new java.util.concurrent.LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * The urgent lane's publications: platform threads of their own, so an accepted priority-9 message is not
     * queued on the virtual-thread carriers behind the hundreds of provider calls a batch keeps in flight.
     */
    private final ExecutorService urgentPublisher = Executors.newFixedThreadPool(2,
            Thread.ofPlatform().name("push-urgent-publish-", 0).daemon(true).factory());
    /**
     * The urgent lane's own AMQP connection (its consumers and its publications), as it has its own HTTP
     * client: on the shared one, a priority-9 id travels behind the bulk consumers' acks and the outbox
     * relay's thousands of event publications (the broker reads a connection's frames in order and throttles
     * a busy one as a whole). Null when the connection factory is not a caching one: the lane then shares it.
     */
    private final @Nullable CachingConnectionFactory urgentConnections;
    private final RabbitTemplate urgentRabbit;
    private volatile boolean running;

    DispatchQueues(ConnectionFactory connections, RabbitTemplate rabbit, AmqpAdmin admin, LiveProperties<DispatchProperties> properties,
            Dispatcher dispatcher, UrgentLane lane, Messages messages, Clock clock, MeterRegistry meters) {
        this.connections = connections;
        this.rabbit = rabbit;
        this.admin = admin;
        this.properties = properties;
        this.dispatcher = dispatcher;
        this.lane = lane;
        this.messages = messages;
        this.clock = clock;
        this.urgentConnections = connections instanceof CachingConnectionFactory shared ? ownConnection(shared) : null;
        this.urgentRabbit = urgentConnections == null ? rabbit : new RabbitTemplate(urgentConnections);
        for (Channel channel : Channel.values()) {
            Gauge.builder("kefu.push.pool.size", () -> poolSize(channel)).tag("channel", channel.wire())
                    .description("senders configured for the channel").register(meters);
            Gauge.builder("kefu.push.pool.active", () -> dispatcher.active(channel)).tag("channel", channel.wire())
                    .description("senders busy sending on the channel").register(meters);
        }
    }

    public static String queue(Channel channel) {
        return PREFIX + channel.wire();
    }

    /** The queue a message of {@code priority} goes to: the urgent lane for 9-10, the bulk priority queue otherwise. */
    public static String queue(Channel channel, int priority) {
        return PriorityBands.band(priority) == PriorityBands.MAX ? queue(channel) + ".urgent" : queue(channel);
    }

    /** A connection like {@code shared} (same broker, credentials and confirms), opened on first use. */
    private static CachingConnectionFactory ownConnection(CachingConnectionFactory shared) {
        CachingConnectionFactory own = new CachingConnectionFactory(shared.getRabbitConnectionFactory());
        own.setPublisherConfirmType(shared.isPublisherConfirms() ? CachingConnectionFactory.ConfirmType.CORRELATED
                : shared.isSimplePublisherConfirms() ? CachingConnectionFactory.ConfirmType.SIMPLE : CachingConnectionFactory.ConfirmType.NONE);
        own.setConnectionNameStrategy(factory -> "push-urgent-lane");
        return own;
    }

    private static boolean urgent(Messages.Queued q) {
        return PriorityBands.band(q.priority()) == PriorityBands.MAX;
    }

    /** Publishes now, from the caller's thread (the lists are short or the caller is a job); the urgent ones first, on their own connection. */
    public void publish(List<Messages.Queued> queued) {
        List<Messages.Queued> urgent = queued.stream().filter(DispatchQueues::urgent).toList();
        if (!urgent.isEmpty()) {
            publish(urgent, urgentRabbit);
        }
        publish(urgent.isEmpty() ? queued : queued.stream().filter(q -> !urgent(q)).toList(), rabbit);
    }

    private void publish(List<Messages.Queued> queued, RabbitTemplate through) {
        DispatchProperties p = properties.get();
        for (int from = 0; from < queued.size(); from += p.publishChunk()) {
            List<Messages.Queued> part = queued.subList(from, Math.min(queued.size(), from + p.publishChunk()));
            try {
                Boolean confirmed = through.invoke(ops -> {
                    for (List<Messages.Queued> lot : lots(part, p.batchSize())) {
                        Messages.Queued first = lot.getFirst();
                        MessageProperties props = new MessageProperties();
                        props.setPriority(PriorityBands.band(first.priority()));
                        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
                        props.setContentType("text/plain");
                        ops.send("", queue(first.channel(), first.priority()), new org.springframework.amqp.core.Message(body(lot), props));
                    }
                    return ops.waitForConfirms(30_000);
                });
                if (Boolean.TRUE.equals(confirmed)) {
                    // Marked beside the next chunk's publication, not before it: the mark (an update of up to a chunk's
                    // rows) held up the feed of the consumers, which drained each chunk before the next arrived. Only
                    // advisory: a row left unmarked is published again by push-dispatch-due, and its claim drops the copy.
                    List<UUID> ids = part.stream().map(Messages.Queued::id).toList();
                    Instant at = clock.instant();
                    publisher.execute(() -> markPublished(ids, at));
                } else {
                    log.warn("{} dispatch messages not confirmed; the publish job sends them again", part.size());
                }
            } catch (RuntimeException e) {
                log.warn("publishing {} dispatch messages failed; the publish job sends them again: {}", part.size(), e.toString());
            }
        }
    }

    /**
     * The AMQP messages {@code queued} travels in: the ids of one queue and band together (in the order given), at most
     * {@code size} per message, each id once. One AMQP message is one bulk consumer's lot, so the broker stores, confirms,
     * delivers and acknowledges a lot once instead of each of its ids (a 10,000-recipient batch: 200 messages, not
     * 10,000); the urgent lane's ids travel one per message, as its consumers take them.
     */
    static List<List<Messages.Queued>> lots(List<Messages.Queued> queued, int size) {
        Map<String, java.util.LinkedHashMap<UUID, Messages.Queued>> byQueue = new java.util.LinkedHashMap<>();
        for (Messages.Queued q : queued) {
            byQueue.computeIfAbsent(queue(q.channel(), q.priority()) + '#' + PriorityBands.band(q.priority()),
                    k -> new java.util.LinkedHashMap<>()).putIfAbsent(q.id(), q);
        }
        List<List<Messages.Queued>> lots = new ArrayList<>();
        for (var ids : byQueue.values()) {
            List<Messages.Queued> all = List.copyOf(ids.values());
            int perMessage = urgent(all.getFirst()) ? 1 : size;
            for (int from = 0; from < all.size(); from += perMessage) {
                lots.add(all.subList(from, Math.min(all.size(), from + perMessage)));
            }
        }
        return lots;
    }

    /** A lot's body: its ids, one per line (a single id, as the urgent lane and earlier versions send it, is a lot of one). */
    static byte[] body(List<Messages.Queued> lot) {
        StringBuilder text = new StringBuilder(lot.size() * 37);
        for (Messages.Queued q : lot) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(q.id());
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A lot's ids; a line that is no id is skipped (logged), so it cannot cost the lot's other messages their delivery. */
    static List<UUID> ids(org.springframework.amqp.core.Message message) {
        String text = new String(message.getBody(), StandardCharsets.US_ASCII);
        List<UUID> ids = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                ids.add(UUID.fromString(line.strip()));
            } catch (IllegalArgumentException e) {
                log.warn("dispatch message line is not a message id, skipped: {}", line.length() > 60 ? line.substring(0, 60) : line);
            }
        }
        return ids;
    }

    private void markPublished(List<UUID> ids, Instant at) {
        try {
            messages.markPublished(ids, at);
        } catch (RuntimeException e) {
            log.warn("marking {} dispatch messages published failed; the publish job may send them again: {}", ids.size(), e.toString());
        }
    }

    /**
     * Publishes in the background: the request that stored them has already answered. Called inside a
     * transaction (an event handler's), it waits for the commit, or a consumer could find no row to claim.
     */
    public void publishLater(List<Messages.Queued> queued) {
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            inBackground(queued);
                        }
                    });
            return;
        }
        inBackground(queued);
    }

    private void inBackground(List<Messages.Queued> queued) {
        List<Messages.Queued> urgent = queued.stream().filter(DispatchQueues::urgent).toList();
        if (!urgent.isEmpty()) {
            // this instance's idle urgent threads claim and send them at once; the queue takes the rest
            List<Messages.Queued> left = running ? lane.dispatchOrLeave(urgent) : urgent;
            if (!left.isEmpty()) {
                urgentPublisher.execute(() -> publish(left, urgentRabbit));
            }
        }
        if (urgent.size() < queued.size()) {
            pending.addAll(urgent.isEmpty() ? queued : queued.stream().filter(q -> !urgent(q)).toList());
            if (draining.compareAndSet(false, true)) {
                publisher.execute(this::drain);
            }
        }
    }

    /**
     * Publishes what the requests accepted, a chunk at a time, until nothing is left. One drainer at a time: what is
     * accepted while a chunk waits for its confirms is published with the next, so single sends arriving together
     * share lots (and AMQP messages) as a batch's recipients do, without waiting for a timer.
     */
    private void drain() {
        do {
            try {
                List<Messages.Queued> next = new ArrayList<>();
                while (pending.drainTo(next, properties.get().publishChunk()) > 0) {
                    publish(next, rabbit);
                    next = new ArrayList<>();
                }
            } finally {
                draining.set(false); // even after an error: the next acceptance starts a drainer again
            }
            // Something added after the queue was found empty, but before the flag was down, is ours to publish.
        } while (!pending.isEmpty() && draining.compareAndSet(false, true));
    }

    /** Senders configured and busy per channel, for the dashboard's pool gauge. */
    public record Pool(String channel, int size, int active) {
    }

    public List<Pool> pools() {
        List<Pool> pools = new ArrayList<>();
        for (Channel channel : Channel.values()) {
            pools.add(new Pool(channel.wire(), poolSize(channel), dispatcher.active(channel)));
        }
        return pools;
    }

    private int poolSize(Channel channel) {
        SimpleMessageListenerContainer container = containers.get(channel);
        return container == null ? 0 : properties.get().pool(channel.wire()) + properties.get().urgentPool();
    }

    @EventListener(EnvironmentChangeEvent.class)
    void resize() {
        properties.rebind();
        DispatchProperties p = properties.get();
        containers.forEach((channel, container) -> {
            resize(container, p.pool(channel.wire()));
        });
        urgentContainers.values().forEach(container -> resize(container, p.urgentPool()));
        lane.resize();
    }

    private static void resize(SimpleMessageListenerContainer container, int size) {
        // Grow the maximum first so the minimum never exceeds it, and the other way round when shrinking.
        if (size > container.getActiveConsumerCount()) {
            container.setMaxConcurrentConsumers(size);
            container.setConcurrentConsumers(size);
        } else {
            container.setConcurrentConsumers(size);
            container.setMaxConcurrentConsumers(size);
        }
    }

    @Override
    public void start() {
        DispatchProperties p = properties.get();
        for (Channel channel : Channel.values()) {
            Queue queue = QueueBuilder.durable(queue(channel)).maxPriority(PriorityBands.MAX).build();
            admin.declareQueue(queue);
            SimpleMessageListenerContainer bulk = container(connections, queue.getName(), "push-" + channel.wire() + "-", p.pool(channel.wire()), BULK_PREFETCH);
            // One delivery is a lot (lots()): claimed in one statement, sent side by side, recorded in one statement.
            bulk.setMessageListener(message -> dispatcher.deliverAll(channel, ids(message)));
            start(bulk);
            containers.put(channel, bulk);

            Queue urgent = QueueBuilder.durable(queue(channel, 10)).build();
            admin.declareQueue(urgent);
            SimpleMessageListenerContainer lane = container(urgentConnections == null ? connections : urgentConnections, urgent.getName(),
                    "push-" + channel.wire() + "-urgent-", p.urgentPool(), 1);
            lane.setMessageListener(message -> dispatcher.deliver(channel, UUID.fromString(new String(message.getBody(), StandardCharsets.US_ASCII))));
            start(lane);
            urgentContainers.put(channel, lane);
        }
        running = true;
    }

    /**
     * Two lots per bulk consumer: the next lot is already on its way while the consumer works on the one it
     * holds, instead of being asked for only after the ack. Prefetched deliveries are not claimed, so a
     * crash leaves them to the broker to redeliver (they never become unknown); the price is that a message
     * of a higher band waits behind at most one more lot per consumer.
     */
    static final int BULK_PREFETCH = 2;

    private static SimpleMessageListenerContainer container(ConnectionFactory connections, String queue, String threads, int consumers,
            int prefetch) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connections);
        container.setQueueNames(queue);
        container.setConcurrentConsumers(consumers);
        container.setMaxConcurrentConsumers(consumers);
        container.setPrefetchCount(prefetch);
        container.setDefaultRequeueRejected(false);
        container.setMissingQueuesFatal(false);
        container.setTaskExecutor(new org.springframework.core.task.SimpleAsyncTaskExecutor(threads));
        return container;
    }

    private static void start(SimpleMessageListenerContainer container) {
        container.afterPropertiesSet();
        container.start();
    }

    @Override
    public void stop() {
        List<SimpleMessageListenerContainer> all = new ArrayList<>(containers.values());
        all.addAll(urgentContainers.values());
        all.forEach(SimpleMessageListenerContainer::stop);
        running = false;
    }

    @Override
    public void destroy() {
        urgentPublisher.shutdown();
        if (urgentConnections != null) {
            urgentConnections.destroy();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
