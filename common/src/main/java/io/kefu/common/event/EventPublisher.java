package io.kefu.common.event;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes a domain event through the transactional outbox: the event is written to
 * {@code kefu_outbox} in the caller's transaction, so it exists exactly when the state change does;
 * the {@link io.kefu.common.event.outbox.OutboxRelay} sends it after commit. Calling it outside a
 * transaction is a programming error, because the event could then outlive a rolled-back change.
 */
public class EventPublisher {

    private final JdbcTemplate jdbc;
    private final JsonMapper json = EventJson.mapper();
    private final LiveProperties<EventsProperties> properties;
    private final String source;
    private final EventTracing tracing;
    private final Runnable wakeRelay;
    private final Clock clock;

    public EventPublisher(JdbcTemplate jdbc, LiveProperties<EventsProperties> properties, String source,
            EventTracing tracing, Runnable wakeRelay, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.source = source;
        this.tracing = tracing;
        this.wakeRelay = wakeRelay;
        this.clock = clock;
    }

    /**
     * Stores {@code event} for publication when the current transaction commits, with the priority its
     * type declares ({@link EventType#priority()}, or {@link PrioritizedEvent#eventPriority()}).
     *
     * @param event    a record annotated with {@link EventType} whose type belongs to this service
     * @param tenantId the tenant the fact belongs to
     * @param subject  the entity it is about
     */
    public EventEnvelope publish(Object event, @Nullable String tenantId, @Nullable String subject) {
        return publish(event, tenantId, subject, priorityOf(event));
    }

    /** The priority {@code event} is published with: its own when it has one, else its type's. */
    public static int priorityOf(Object event) {
        int priority = event instanceof PrioritizedEvent p ? p.eventPriority() : annotationOf(event.getClass()).priority();
        if (priority < 0 || priority > 10) {
            throw new IllegalArgumentException(event.getClass().getName() + " has priority " + priority + ", outside 0-10");
        }
        return priority;
    }

    /**
     * Stores {@code event} for publication when the current transaction commits.
     * Prefer {@link #publish(Object, String, String)}: priority belongs to the event type.
     *
     * @param event    a record annotated with {@link EventType} whose type belongs to this service
     * @param tenantId the tenant the fact belongs to
     * @param subject  the entity it is about
     * @param priority 0-10; what the event is decides it (VIP, complaint &gt; statistics tick)
     */
    public EventEnvelope publish(Object event, @Nullable String tenantId, @Nullable String subject, int priority) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("events are published inside the transaction of the state change they describe");
        }
        EventsProperties props = properties.get();
        String type = typeOf(event.getClass());
        if (!type.startsWith(props.domain() + ".")) {
            throw new IllegalArgumentException("service " + source + " publishes only " + props.domain() + ".* events, not " + type);
        }
        EventEnvelope envelope = new EventEnvelope(UUID.randomUUID().toString(), type, source, clock.instant(),
                tenantId, subject, priority, tracing.currentTraceparent(), json.valueToTree(event));
        jdbc.update("""
                insert into kefu_outbox (id, event_type, exchange, routing_key, priority, envelope, created_at, next_attempt_at)
                values (?, ?, ?, ?, ?, ?::jsonb, ?, ?)""",
                UUID.fromString(envelope.id()), type, props.exchange(), envelope.routingKey(), priority,
                json.writeValueAsString(envelope), Timestamp.from(envelope.time()), Timestamp.from(envelope.time()));
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                wakeRelay.run();
            }
        });
        return envelope;
    }

    public static String typeOf(Class<?> eventClass) {
        EventType annotation = annotationOf(eventClass);
        EventEnvelope.routingKeyOf(annotation.value()); // validates the shape
        return annotation.value();
    }

    private static EventType annotationOf(Class<?> eventClass) {
        EventType annotation = eventClass.getAnnotation(EventType.class);
        if (annotation == null) {
            throw new IllegalArgumentException(eventClass.getName() + " is not annotated with @EventType");
        }
        return annotation;
    }

}
