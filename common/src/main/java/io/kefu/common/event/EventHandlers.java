package io.kefu.common.event;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

import io.kefu.common.event.inbox.Inbox;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.messaging.Message;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the Spring Cloud Stream consumer of one consumer group: it reads the envelope, continues
 * the producer's trace, skips events this group already processed (inbox) and hands the data, read
 * into the consumer's own record, to the handler of its type. Types the group has no handler for
 * are acknowledged and ignored, so a producer may add event types freely.
 *
 * <pre>{@code
 * @Bean Consumer<Message<byte[]>> chatEvents(EventHandlers handlers) {
 *     return handlers.consumer("routing")
 *             .on("chat.message.received.v1", MessageReceived.class, this::route)
 *             .build();
 * }
 * }</pre>
 * An exception from a handler rolls back its transaction; Stream retries with backoff and then
 * republishes the message to the group's dead-letter queue with the exception as the reason.
 *
 * <p>The built consumer is an {@link EventConsumer} and carries its {@link ConsumerDeclaration}: the
 * group, the producer (the first segment of every type it handles — one consumer reads one producer's
 * exchange) and each type with the record its data is read into. The binding in {@code application.yml}
 * ({@code <bean>-in-0}: destination {@code kefu.<producer>}, the group, the types' routing keys) must
 * agree with it; {@code ServiceReadinessContract} fails when it does not, and reads every declared type's
 * data from the producer's committed sample.
 */
public class EventHandlers {

    private static final Logger log = LoggerFactory.getLogger(EventHandlers.class);

    private final Inbox inbox;
    private final EventTracing tracing;
    private final @Nullable DeadLetters deadLetters;
    private final JsonMapper json = EventJson.mapper();

    public EventHandlers(Inbox inbox, EventTracing tracing) {
        this(inbox, tracing, null);
    }

    public EventHandlers(Inbox inbox, EventTracing tracing, @Nullable DeadLetters deadLetters) {
        this.inbox = inbox;
        this.tracing = tracing;
        this.deadLetters = deadLetters;
    }

    public Builder consumer(String consumerGroup) {
        return new Builder(consumerGroup);
    }

    /** Handles the data of one event type. */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(T data, EventEnvelope envelope);
    }

    /** Reads an envelope from raw bytes, or fails with {@link MalformedEventException}. */
    public EventEnvelope read(byte[] payload) {
        try {
            EventEnvelope envelope = json.readValue(payload, EventEnvelope.class);
            if (envelope == null) {
                throw new MalformedEventException("empty event", null);
            }
            return envelope;
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            String head = new String(payload, 0, Math.min(payload.length, 200), StandardCharsets.UTF_8);
            throw new MalformedEventException("not a Kefu event envelope: " + e.getMessage() + " in: " + head, e);
        }
    }

    /** The header the RabbitMQ binder puts the routing key a message was published with under. */
    static final String RECEIVED_ROUTING_KEY = "amqp_receivedRoutingKey";

    /**
     * A producer publishes each event under its type's routing key, so an envelope whose type is not the
     * one its routing key names was forged or garbled: it must not be ignored as an unknown type (nor run
     * as the type it claims) but dead-lettered with the reason.
     */
    static void checkRoutingKey(EventEnvelope envelope, Object receivedRoutingKey) {
        String expected;
        try {
            expected = envelope.routingKey();
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("event " + envelope.id() + " has a malformed type: " + envelope.type(), e);
        }
        if (receivedRoutingKey != null && !expected.equals(receivedRoutingKey.toString())) {
            throw new MalformedEventException("event " + envelope.id() + " of type " + envelope.type() + " arrived under routing key "
                    + receivedRoutingKey + ", which names another type", null);
        }
    }

    public final class Builder {

        private final String group;
        private final Map<String, Route<?>> routes = new LinkedHashMap<>();

        private Builder(String group) {
            if (group == null || !group.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalArgumentException("a consumer group is lower-case letters, digits and '-': " + group);
            }
            this.group = group;
        }

        public <T> Builder on(String type, Class<T> dataType, Handler<T> handler) {
            EventEnvelope.routingKeyOf(type);
            Objects.requireNonNull(dataType, "dataType");
            Objects.requireNonNull(handler, "handler");
            if (!routes.isEmpty()) {
                String producer = ConsumerDeclaration.producerOf(routes.keySet().iterator().next());
                if (!producer.equals(ConsumerDeclaration.producerOf(type))) {
                    throw new IllegalArgumentException("consumer " + group + " reads " + producer + ".* events; " + type
                            + " comes from another producer: declare a second consumer (one exchange per binding)");
                }
            }
            if (routes.putIfAbsent(type, new Route<>(dataType, handler)) != null) {
                throw new IllegalArgumentException("two handlers for " + type + " in " + group);
            }
            return this;
        }

        private ConsumerDeclaration declaration() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("consumer " + group + " handles no event type");
            }
            Map<String, Class<?>> types = new LinkedHashMap<>();
            routes.forEach((type, route) -> types.put(type, route.dataType()));
            return new ConsumerDeclaration(group, ConsumerDeclaration.producerOf(types.keySet().iterator().next()), types);
        }

        /**
         * The batch form, for a binding in batch mode ({@code consumer.batch-mode: true} with the RabbitMQ binder's
         * {@code enable-batching}, {@code batch-size}, {@code receive-timeout}): the whole batch in one transaction
         * ({@link Inbox#processBatch}), so a backlog costs one commit per batch rather than per event. Each event keeps
         * what the single form guarantees: a duplicate is skipped, an event that is not an envelope, arrives under
         * another type's routing key or is refused by its handler ({@link MalformedEventException}) is dead-lettered
         * alone with its reason after one attempt (the batch's other events commit), and any other failure rolls the
         * batch back for the binder to retry it (then dead-letter it) as a whole — nothing of it took effect.
         *
         * <p>A transaction per batch holds the row locks of all its events until it commits, so two batches (two
         * queues, or two consumers of one queue) could lock the same rows in opposite orders. {@code lockOrder} names
         * what an event locks (a conversation, a ticket): the batch runs sorted by it (a stable sort: one subject's
         * events keep their order), so concurrent batches lock in the same order; a deadlock or lock failure that
         * still happens is retried at once, a few times, before the binder's retry.
         */
        public BatchEventConsumer buildBatch(Function<EventEnvelope, String> lockOrder) {
            if (deadLetters == null) {
                throw new IllegalStateException("batch consumers need DeadLetters (a RabbitTemplate)");
            }
            ConsumerDeclaration declaration = declaration();
            Map<String, Route<?>> table = Map.copyOf(routes);
            DeadLetters dead = deadLetters;
            return new BatchEventConsumer(declaration, message -> {
                List<?> payloads = message.getPayload();
                Object consolidated = message.getHeaders().get(BATCHED_HEADERS);
                List<?> headers = consolidated instanceof List<?> list ? list : List.of();
                List<EventEnvelope> events = new ArrayList<>();
                Map<EventEnvelope, Integer> index = new IdentityHashMap<>();
                List<Runnable> deadLettering = new ArrayList<>();
                for (int i = 0; i < payloads.size(); i++) {
                    byte[] payload = (byte[]) payloads.get(i);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> h = i < headers.size() && headers.get(i) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
                    try {
                        EventEnvelope envelope = read(payload);
                        checkRoutingKey(envelope, h.get(RECEIVED_ROUTING_KEY));
                        if (table.containsKey(envelope.type())) {
                            events.add(envelope);
                            index.put(envelope, i);
                        } else {
                            log.debug("{} ignores {} {}", group, envelope.type(), envelope.id());
                        }
                    } catch (MalformedEventException e) {
                        deadLettering.add(() -> dead.publish(payload, h, DeadLetterReasons.reasonOf(e) + " (1 attempt)", e));
                    }
                }
                events.sort(Comparator.comparing(e -> String.valueOf(lockOrder.apply(e))));
                List<Inbox.Refused> refused = processBatch(events, envelope -> {
                    Object header = index.get(envelope) < headers.size() && headers.get(index.get(envelope)) instanceof Map<?, ?> m
                            ? m.get("traceparent") : null;
                    String traceparent = header instanceof String t && !t.isBlank() ? t : envelope.traceparent();
                    tracing.inConsumerSpan(traceparent, group + " " + envelope.type(), () -> {
                        table.get(envelope.type()).dispatch(envelope, json);
                        return true;
                    });
                });
                for (Inbox.Refused r : refused) {
                    int i = index.get(r.event());
                    @SuppressWarnings("unchecked")
                    Map<String, Object> h = i < headers.size() && headers.get(i) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
                    deadLettering.add(() -> dead.publish((byte[]) payloads.get(i), h, DeadLetterReasons.reasonOf(r.failure()) + " (1 attempt)",
                            r.failure()));
                }
                deadLettering.forEach(Runnable::run);
            });
        }

        private List<Inbox.Refused> processBatch(List<EventEnvelope> events, Inbox.Effect effect) {
            for (int attempt = 1; ; attempt++) {
                try {
                    return inbox.processBatch(group, events, effect);
                } catch (PessimisticLockingFailureException e) {
                    if (attempt >= LOCK_ATTEMPTS) {
                        throw e;
                    }
                    log.info("{}: batch of {} events lost a lock ({}), attempt {} of {}", group, events.size(), e.getClass().getSimpleName(),
                            attempt, LOCK_ATTEMPTS);
                }
            }
        }

        public EventConsumer build() {
            ConsumerDeclaration declaration = declaration();
            Map<String, Route<?>> table = Map.copyOf(routes);
            return new EventConsumer(declaration, message -> {
                EventEnvelope envelope = read(message.getPayload());
                checkRoutingKey(envelope, message.getHeaders().get(RECEIVED_ROUTING_KEY));
                Route<?> route = table.get(envelope.type());
                if (route == null) {
                    log.debug("{} ignores {} {}", group, envelope.type(), envelope.id());
                    return;
                }
                // The message's traceparent is the relay's publish span (a child of the envelope's); older rows have only the envelope's.
                Object header = message.getHeaders().get("traceparent");
                String traceparent = header instanceof String h && !h.isBlank() ? h : envelope.traceparent();
                tracing.inConsumerSpan(traceparent, group + " " + envelope.type(), () -> {
                    boolean ran = inbox.processOnce(group, envelope, () -> route.dispatch(envelope, json));
                    if (!ran) {
                        log.debug("{} already processed {} {}", group, envelope.type(), envelope.id());
                    }
                    return ran;
                });
            });
        }
    }

    /** Attempts of a batch that lost a lock (deadlock, lock time-out) before the binder's own retry takes over. */
    static final int LOCK_ATTEMPTS = 3;

    /** The header under which the inbound adapter of a batch puts each message's own headers. */
    static final String BATCHED_HEADERS = "amqp_batchedHeaders";

    /** A consumer built by {@link EventHandlers}, single or batch, with what it declares ({@link ConsumerBindings} checks it). */
    public interface DeclaredConsumer {
        ConsumerDeclaration declaration();
    }

    /**
     * A batch consumer built by {@link Builder#buildBatch()}. Declare the bean as {@code Consumer<Message<List<byte[]>>>};
     * Spring Cloud Stream binds it as {@code <bean>-in-0}, whose binding must be in batch mode.
     */
    public static final class BatchEventConsumer implements Consumer<Message<List<byte[]>>>, DeclaredConsumer {

        private final ConsumerDeclaration declaration;
        private final Consumer<Message<List<byte[]>>> body;

        private BatchEventConsumer(ConsumerDeclaration declaration, Consumer<Message<List<byte[]>>> body) {
            this.declaration = declaration;
            this.body = body;
        }

        @Override
        public ConsumerDeclaration declaration() {
            return declaration;
        }

        @Override
        public void accept(Message<List<byte[]>> message) {
            body.accept(message);
        }

        @Override
        public String toString() {
            return "BatchEventConsumer" + declaration;
        }
    }

    /**
     * A consumer built by {@link EventHandlers}, with what it declares. Declare the bean as
     * {@code Consumer<Message<byte[]>>}; Spring Cloud Stream binds it as {@code <bean>-in-0}.
     */
    public static final class EventConsumer implements Consumer<Message<byte[]>>, DeclaredConsumer {

        private final ConsumerDeclaration declaration;
        private final Consumer<Message<byte[]>> body;

        private EventConsumer(ConsumerDeclaration declaration, Consumer<Message<byte[]>> body) {
            this.declaration = declaration;
            this.body = body;
        }

        @Override
        public ConsumerDeclaration declaration() {
            return declaration;
        }

        @Override
        public void accept(Message<byte[]> message) {
            body.accept(message);
        }

        @Override
        public String toString() {
            return "EventConsumer" + declaration;
        }
    }

    private record Route<T>(Class<T> dataType, Handler<T> handler) {

        void dispatch(EventEnvelope envelope, JsonMapper json) {
            T data;
            try {
                data = json.treeToValue(envelope.data(), dataType);
            } catch (JacksonException | IllegalArgumentException e) {
                throw new MalformedEventException(envelope.type() + " " + envelope.id() + " has unreadable data: " + e.getMessage(), e);
            }
            handler.handle(data, envelope);
        }
    }
}
