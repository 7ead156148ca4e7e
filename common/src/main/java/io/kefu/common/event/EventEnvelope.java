package io.kefu.common.event;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * The CloudEvents-style envelope every event travels in. The data stays a JSON tree so that each
 * consumer reads it into its own record (tolerant reader) and no service compiles against another's
 * classes.
 *
 * @param id          unique id; consumers deduplicate on it
 * @param type        versioned type, e.g. {@code chat.message.received.v1}
 * @param source      producing service, e.g. {@code chat-service}
 * @param time        when the fact happened
 * @param tenantId    tenant the fact belongs to (null only for platform-wide facts)
 * @param subject     the entity the event is about (conversation id, ticket id, ...)
 * @param priority    0 (lowest) to 10 (highest)
 * @param traceparent W3C trace context of the transaction that produced it, if any
 * @param data        the event record as JSON
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventEnvelope(
        String id,
        String type,
        String source,
        Instant time,
        String tenantId,
        String subject,
        int priority,
        String traceparent,
        JsonNode data) {

    public static final int MIN_PRIORITY = 0;
    public static final int MAX_PRIORITY = 10;

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be 0-10, was " + priority);
        }
    }

    /** The routing key: the type without its service prefix, e.g. {@code message.received.v1}. */
    public String routingKey() {
        return routingKeyOf(type);
    }

    public static String routingKeyOf(String type) {
        int dot = type.indexOf('.');
        if (dot <= 0 || dot == type.length() - 1) {
            throw new IllegalArgumentException("event type must look like <service>.<name>.v<n>: " + type);
        }
        return type.substring(dot + 1);
    }
}
