package io.kefu.common.event;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.ConnectionCallback;
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
        return publishAll(List.of(new Publication(event, tenantId, subject, priority))).getFirst();
    }

    /**
     * One event to store with {@link #publishAll}: what {@link #publish(Object, String, String, int)} takes.
     *
     * @param priority 0-10; {@link #of} takes the one the event declares
     */
    public record Publication(Object event, @Nullable String tenantId, @Nullable String subject, int priority) {

        /** {@code event} with the priority it declares ({@link #priorityOf}). */
        public static Publication of(Object event, @Nullable String tenantId, @Nullable String subject) {
            return new Publication(event, tenantId, subject, priorityOf(event));
        }
    }

    /**
     * Stores many events for publication when the current transaction commits, in one JDBC batch (one
     * round trip however many there are) instead of one call each, with the same envelope, checks and
     * trace as {@link #publish}; the relay is woken once after the commit. All or none: one event of
     * another domain refuses the whole list before anything is written. The relay publishes them one
     * AMQP message each, as if they had been published one by one (their {@code created_at} follow the list).
     *
     * @return the envelopes, in the order of {@code events}
     */
    public List<EventEnvelope> publishAll(List<Publication> events) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("events are published inside the transaction of the state change they describe");
        }
        if (events.isEmpty()) {
            return List.of();
        }
        EventsProperties props = properties.get();
        String traceparent = tracing.currentTraceparent();
        List<EventEnvelope> envelopes = new ArrayList<>(events.size());
        Instant previous = Instant.MIN;
        for (Publication p : events) {
            String type = typeOf(p.event().getClass());
            if (!type.startsWith(props.domain() + ".")) {
                throw new IllegalArgumentException("service " + source + " publishes only " + props.domain() + ".* events, not " + type);
            }
            // The relay takes rows in created_at order: each event of the list a microsecond (what PostgreSQL keeps) after the
            // one before at least, as events published one by one would be, and the envelope's time exactly the row's.
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            Instant at = now.isAfter(previous) ? now : previous.plus(1, ChronoUnit.MICROS);
            previous = at;
            envelopes.add(new EventEnvelope(UUID.randomUUID().toString(), type, source, at, p.tenantId(), p.subject(),
                    p.priority(), traceparent, json.valueToTree(p.event())));
        }
        // One prepared single-row insert, sent as one JDBC batch (one round trip) when there are several. Not one
        // insert from unnest(arrays): the arrays go to PostgreSQL as text literals, every quote of the envelope's JSON
        // escaped by the driver and parsed back by the server, and a customer's message publishes one event, for which
        // the plain insert costs PostgreSQL 20–45 % less (deploy README, "The outbox insert").
        jdbc.execute((ConnectionCallback<Integer>) con -> {
            try (PreparedStatement insert = con.prepareStatement("""
                    insert into kefu_outbox (id, event_type, exchange, routing_key, priority, envelope, created_at, next_attempt_at)
                    values (?, ?, ?, ?, ?, cast(? as jsonb), cast(? as timestamptz), cast(? as timestamptz))""")) {
                for (EventEnvelope e : envelopes) {
                    insert.setObject(1, UUID.fromString(e.id()));
                    insert.setString(2, e.type());
                    insert.setString(3, props.exchange());
                    insert.setString(4, e.routingKey());
                    insert.setInt(5, e.priority());
                    insert.setString(6, json.writeValueAsString(e));
                    // ISO-8601 instants (with their Z), so no time zone of the JVM or the session can shift them
                    String at = e.time().toString();
                    insert.setString(7, at);
                    insert.setString(8, at);
                    if (envelopes.size() == 1) {
                        return insert.executeUpdate();
                    }
                    insert.addBatch();
                }
                return insert.executeBatch().length;
            }
        });
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                wakeRelay.run();
            }
        });
        return envelopes;
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
