package io.kefu.common.event;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
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

    public final class Builder {

        private final String group;
        private final Map<String, Route<?>> routes = new LinkedHashMap<>();

        private Builder(String group) {
            this.group = group;
        }

        public <T> Builder on(String type, Class<T> dataType, Handler<T> handler) {
            EventEnvelope.routingKeyOf(type);
            if (routes.putIfAbsent(type, new Route<>(dataType, handler)) != null) {
                throw new IllegalArgumentException("two handlers for " + type + " in " + group);
            }
            return this;
        }

        public Consumer<Message<byte[]>> build() {
            Map<String, Route<?>> table = Map.copyOf(routes);
            return message -> {
                EventEnvelope envelope = read(message.getPayload());
                Route<?> route = table.get(envelope.type());
                if (route == null) {
                    log.debug("{} ignores {} {}", group, envelope.type(), envelope.id());
                    return;
                }
                tracing.inConsumerSpan(envelope.traceparent(), group + " " + envelope.type(), () -> {
                    boolean ran = inbox.processOnce(group, envelope, () -> route.dispatch(envelope, json));
                    if (!ran) {
                        log.debug("{} already processed {} {}", group, envelope.type(), envelope.id());
                    }
                    return ran;
                });
            };
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
