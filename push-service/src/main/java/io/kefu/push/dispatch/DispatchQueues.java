package io.kefu.push.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.template.Channel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * One classic priority queue per channel ({@code kefu.push.dispatch.<channel>}, x-max-priority
 * {@link PriorityBands#MAX}) and its pool of consumers with a small prefetch, so a waiting urgent
 * message is delivered before waiting bulk ones: only the few deliveries already prefetched can go
 * ahead of it. Pool sizes change live ({@code kefu.push.dispatch.pools.*}) and are exported as
 * gauges {@code kefu.push.pool.size} and {@code kefu.push.pool.active} per channel.
 *
 * <p>Publishing happens after the messages are committed, in chunks with publisher confirms; what is
 * not confirmed stays unpublished in the table and {@link DispatchJobs} publishes it again.
 */
@Component
public class DispatchQueues implements SmartLifecycle {

    public static final String PREFIX = "kefu.push.dispatch.";
    private static final Logger log = LoggerFactory.getLogger(DispatchQueues.class);

    private final ConnectionFactory connections;
    private final RabbitTemplate rabbit;
    private final AmqpAdmin admin;
    private final LiveProperties<DispatchProperties> properties;
    private final Dispatcher dispatcher;
    private final Messages messages;
    private final Clock clock;
    private final Map<Channel, SimpleMessageListenerContainer> containers = new EnumMap<>(Channel.class);
    private final Executor publisher = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean running;

    DispatchQueues(ConnectionFactory connections, RabbitTemplate rabbit, AmqpAdmin admin, LiveProperties<DispatchProperties> properties,
            Dispatcher dispatcher, Messages messages, Clock clock, MeterRegistry meters) {
        this.connections = connections;
        this.rabbit = rabbit;
        this.admin = admin;
        this.properties = properties;
        this.dispatcher = dispatcher;
        this.messages = messages;
        this.clock = clock;
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

    /** Publishes now, from the caller's thread (the lists are short or the caller is a job). */
    public void publish(List<Messages.Queued> queued) {
        int chunk = properties.get().publishChunk();
        for (int from = 0; from < queued.size(); from += chunk) {
            List<Messages.Queued> part = queued.subList(from, Math.min(queued.size(), from + chunk));
            try {
                Boolean confirmed = rabbit.invoke(ops -> {
                    for (Messages.Queued q : part) {
                        MessageProperties props = new MessageProperties();
                        props.setPriority(PriorityBands.band(q.priority()));
                        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
                        props.setContentType("text/plain");
                        ops.send("", queue(q.channel()), new org.springframework.amqp.core.Message(
                                q.id().toString().getBytes(StandardCharsets.US_ASCII), props));
                    }
                    return ops.waitForConfirms(30_000);
                });
                if (Boolean.TRUE.equals(confirmed)) {
                    messages.markPublished(part.stream().map(Messages.Queued::id).toList(), clock.instant());
                } else {
                    log.warn("{} dispatch messages not confirmed; the publish job sends them again", part.size());
                }
            } catch (RuntimeException e) {
                log.warn("publishing {} dispatch messages failed; the publish job sends them again: {}", part.size(), e.toString());
            }
        }
    }

    /** Publishes in the background: the request that stored them has already answered. */
    public void publishLater(List<Messages.Queued> queued) {
        publisher.execute(() -> publish(queued));
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
        return container == null ? 0 : properties.get().pool(channel.wire());
    }

    @EventListener(EnvironmentChangeEvent.class)
    void resize() {
        properties.rebind();
        DispatchProperties p = properties.get();
        containers.forEach((channel, container) -> {
            int size = p.pool(channel.wire());
            // Grow the maximum first so the minimum never exceeds it, and the other way round when shrinking.
            if (size > container.getActiveConsumerCount()) {
                container.setMaxConcurrentConsumers(size);
                container.setConcurrentConsumers(size);
            } else {
                container.setConcurrentConsumers(size);
                container.setMaxConcurrentConsumers(size);
            }
            container.setPrefetchCount(p.prefetch());
        });
    }

    @Override
    public void start() {
        DispatchProperties p = properties.get();
        for (Channel channel : Channel.values()) {
            Queue queue = QueueBuilder.durable(queue(channel)).maxPriority(PriorityBands.MAX).build();
            admin.declareQueue(queue);
            SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connections);
            container.setQueueNames(queue.getName());
            container.setConcurrentConsumers(p.pool(channel.wire()));
            container.setMaxConcurrentConsumers(p.pool(channel.wire()));
            container.setPrefetchCount(p.prefetch());
            container.setDefaultRequeueRejected(false);
            container.setMissingQueuesFatal(false);
            container.setTaskExecutor(new org.springframework.core.task.SimpleAsyncTaskExecutor("push-" + channel.wire() + "-"));
            container.setMessageListener(message -> dispatcher.deliver(channel,
                    UUID.fromString(new String(message.getBody(), StandardCharsets.US_ASCII))));
            container.afterPropertiesSet();
            container.start();
            containers.put(channel, container);
        }
        running = true;
    }

    @Override
    public void stop() {
        List<SimpleMessageListenerContainer> all = new ArrayList<>(containers.values());
        all.forEach(SimpleMessageListenerContainer::stop);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
