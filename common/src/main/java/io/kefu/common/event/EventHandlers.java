package io.kefu.common.event;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import io.kefu.common.event.inbox.Inbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private final JsonMapper json = EventJson.mapper();

    public EventHandlers(Inbox inbox, EventTracing tracing) {
        this.inbox = inbox;
        this.tracing = tracing;
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

        public EventConsumer build() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("consumer " + group + " handles no event type");
            }
            Map<String, Class<?>> types = new LinkedHashMap<>();
            routes.forEach((type, route) -> types.put(type, route.dataType()));
            ConsumerDeclaration declaration = new ConsumerDeclaration(group, ConsumerDeclaration.producerOf(types.keySet().iterator().next()),
                    types);
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

    /**
     * A consumer built by {@link EventHandlers}, with what it declares. Declare the bean as
     * {@code Consumer<Message<byte[]>>}; Spring Cloud Stream binds it as {@code <bean>-in-0}.
     */
    public static final class EventConsumer implements Consumer<Message<byte[]>> {

        private final ConsumerDeclaration declaration;
        private final Consumer<Message<byte[]>> body;

        private EventConsumer(ConsumerDeclaration declaration, Consumer<Message<byte[]>> body) {
            this.declaration = declaration;
            this.body = body;
        }

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
