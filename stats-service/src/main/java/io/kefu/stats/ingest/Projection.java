package io.kefu.stats.ingest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventHandlers;
import io.kefu.common.event.EventJson;
import io.kefu.common.event.MalformedEventException;
import io.kefu.stats.metric.Deferred;
import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One producer's event types, each with stats' own record of it and the effect on stats' facts.
 * The same table builds the stream consumer (through the inbox, storing the event first) and replays
 * stored events, so a recomputation runs exactly the code that live ingestion ran.
 */
final class Projection {

    record Route<T>(Class<T> dataType, EventHandlers.Handler<T> handler) {

        void apply(EventEnvelope envelope) {
            T data;
            try {
                data = EventJson.mapper().treeToValue(envelope.data(), dataType);
            } catch (JacksonException | IllegalArgumentException e) {
                throw new MalformedEventException(envelope.type() + " " + envelope.id() + " has unreadable data: " + e.getMessage(), e);
            }
            if (data == null) {
                throw new MalformedEventException(envelope.type() + " " + envelope.id() + " has no data", null);
            }
            T read = data;
            Deferred.event(() -> handler.handle(read, envelope));
        }
    }

    private final String producer;
    private final Map<String, Route<?>> routes = new LinkedHashMap<>();

    Projection(String producer) {
        this.producer = producer;
    }

    <T> Projection on(String type, Class<T> dataType, EventHandlers.Handler<T> handler) {
        routes.put(type, new Route<>(dataType, handler));
        return this;
    }

    String producer() {
        return producer;
    }

    Map<String, Route<?>> routes() {
        return routes;
    }

    /**
     * A batch consumer (see the bindings in application.yml): a backlog is ingested a batch per transaction, each
     * event still once (inbox) and a refused one dead-lettered alone with its reason.
     */
    Consumer<Message<List<byte[]>>> consumer(EventHandlers handlers, StoredEvents stored) {
        EventHandlers.Builder builder = handlers.consumer("stats");
        routes.forEach((type, route) -> add(builder, type, route, stored));
        return builder.buildBatch(Projection::lockOrder);
    }

    /**
     * What an event's transaction locks, for the batch's lock order: the conversation it is about (chat's, routing's
     * and kb-ai's events all lock its row), else its subject (a ticket, a push message, an agent).
     */
    static String lockOrder(EventEnvelope envelope) {
        JsonNode conversation = envelope.data() == null ? null : envelope.data().get("conversationId");
        return conversation != null && conversation.isString() ? conversation.asString() : String.valueOf(envelope.subject());
    }

    private static <T> void add(EventHandlers.Builder builder, String type, Route<T> route, StoredEvents stored) {
        // what the event defers (its stored row, its figures) is kept only if it was not refused
        builder.on(type, route.dataType(), (data, envelope) -> Deferred.event(() -> {
            stored.store(envelope, tenant(envelope));
            route.handler().handle(data, envelope);
        }));
    }

    static UUID tenant(EventEnvelope envelope) {
        return uuid(envelope.tenantId(), "tenantId", envelope);
    }

    /** A required field: a forged or broken event without it goes to the dead-letter queue with this reason. */
    static <V> V required(@Nullable V value, String field, EventEnvelope envelope) {
        if (value == null) {
            throw new MalformedEventException(envelope.type() + " " + envelope.id() + " lacks " + field, null);
        }
        return value;
    }

    static UUID uuid(@Nullable String value, String field, EventEnvelope envelope) {
        try {
            return UUID.fromString(required(value, field, envelope));
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(envelope.type() + " " + envelope.id() + " has a bad " + field + ": " + value, e);
        }
    }
}
