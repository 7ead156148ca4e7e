package io.kefu.common.event.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventTracing;
import io.kefu.common.event.EventTracing.PublishSpan;
import io.kefu.common.event.EventsProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends outbox rows to RabbitMQ and marks them sent only once the broker confirmed them.
 *
 * <p>Each round locks a batch with {@code FOR UPDATE SKIP LOCKED} (so several instances share the
 * work without sending a row twice), publishes the whole batch with correlated publisher confirms
 * in flight together, then waits for the confirms. Confirmed rows get {@code published_at}; rows
 * that were nacked, timed out or could not be sent (broker down) stay pending with a growing
 * backoff. Delivery is at least once; consumers deduplicate by event id through the inbox.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final RabbitTemplate rabbit;
    private final LiveProperties<EventsProperties> properties;
    private final JsonMapper json;
    private final Clock clock;
    private final Semaphore wakeUps = new Semaphore(0);
    private final Counter sent;
    private final Counter failed;
    private final MeterRegistry meters;
    private final EventTracing tracing;
    private volatile boolean running;
    private Thread worker;

    public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate tx, RabbitTemplate rabbit,
            LiveProperties<EventsProperties> properties, JsonMapper json, Clock clock, MeterRegistry meters, EventTracing tracing) {
        this.tracing = tracing;
        this.jdbc = jdbc;
        this.tx = tx;
        this.rabbit = rabbit;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
        this.sent = Counter.builder("kefu.outbox.sent").description("events confirmed by the broker").register(meters);
        this.failed = Counter.builder("kefu.outbox.failed").description("publish attempts that failed and will be retried").register(meters);
        meters.gauge("kefu.outbox.pending", this, r -> r.pendingCount());
    }

    /** Asks the relay to look for work now (called after a commit that wrote events). */
    public void wakeUp() {
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    /** One round: sends up to a batch of due rows; returns how many were confirmed. */
    public int relayOnce() {
        EventsProperties props = properties.get();
        Integer confirmed = tx.execute(status -> {
            List<Row> rows = jdbc.query("""
                    select id, event_type, exchange, routing_key, priority, envelope::text as envelope, attempts, created_at
                    from kefu_outbox
                    where published_at is null and next_attempt_at <= ?
                    order by created_at
                    limit ?
                    for update skip locked""",
                    (rs, i) -> new Row(rs.getObject("id", UUID.class), rs.getString("event_type"), rs.getString("exchange"), rs.getString("routing_key"),
                            rs.getInt("priority"), rs.getString("envelope"), rs.getInt("attempts"),
                            rs.getTimestamp("created_at").toInstant()),
                    Timestamp.from(clock.instant()), props.relayBatchSize());
            if (rows.isEmpty()) {
                return 0;
            }
            List<CorrelationData> inFlight = new ArrayList<>(rows.size());
            List<@Nullable PublishSpan> spans = new ArrayList<>(rows.size());
            List<Row> done = new ArrayList<>();
            List<Failure> failures = new ArrayList<>();
            // One channel for the whole round: the broker keeps a channel's order, so the rows reach their queues in
            // the order they were written (sends spread over cached channels could overtake each other).
            try {
                rabbit.invoke(ops -> {
                    for (Row row : rows) {
                        CorrelationData correlation = new CorrelationData(row.id().toString());
                        PublishSpan span = null;
                        try {
                            JsonNode envelope = json.readTree(row.envelope());
                            span = startSpan(row, envelope);
                            ops.send(row.exchange(), row.routingKey(), toMessage(row, envelope, span, props), correlation);
                            inFlight.add(correlation);
                        } catch (RuntimeException e) {
                            failures.add(new Failure(row, "send: " + e.getMessage()));
                            inFlight.add(null);
                        }
                        spans.add(span);
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                // No channel at all (broker down): every row not yet sent stays pending.
                for (int i = inFlight.size(); i < rows.size(); i++) {
                    failures.add(new Failure(rows.get(i), "send: " + e.getMessage()));
                    inFlight.add(null);
                    spans.add(null);
                }
            }
            long deadline = System.nanoTime() + props.confirmTimeout().toNanos();
            for (int i = 0; i < rows.size(); i++) {
                CorrelationData correlation = inFlight.get(i);
                if (correlation == null) {
                    continue;
                }
                Row row = rows.get(i);
                try {
                    var confirm = correlation.getFuture().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (confirm.ack()) {
                        done.add(row);
                    } else {
                        failures.add(new Failure(row, "nack: " + confirm.reason()));
                    }
                } catch (TimeoutException e) {
                    failures.add(new Failure(row, "no confirm within " + props.confirmTimeout()));
                } catch (ExecutionException e) {
                    failures.add(new Failure(row, "confirm: " + e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add(new Failure(row, "interrupted"));
                }
            }
            endSpans(rows, spans, failures);
            Instant now = clock.instant();
            if (!done.isEmpty()) {
                jdbc.batchUpdate("update kefu_outbox set published_at = ?, last_error = null where id = ?",
                        done, done.size(), (ps, row) -> {
                            ps.setTimestamp(1, Timestamp.from(now));
                            ps.setObject(2, row.id());
                        });
            }
            if (!failures.isEmpty()) {
                jdbc.batchUpdate("update kefu_outbox set attempts = attempts + 1, next_attempt_at = ?, last_error = ? where id = ?",
                        failures, failures.size(), (ps, f) -> {
                            ps.setTimestamp(1, Timestamp.from(now.plus(backoff(props, f.row().attempts()))));
                            ps.setString(2, truncate(f.reason()));
                            ps.setObject(3, f.row().id());
                        });
                log.warn("{} of {} outbox events not confirmed, will retry; first reason: {}", failures.size(), rows.size(),
                        failures.getFirst().reason());
            }
            sent.increment(done.size());
            done.forEach(row -> meters.counter("kefu.events.published", "type", row.type()).increment());
            failed.increment(failures.size());
            return done.size();
        });
        return confirmed == null ? 0 : confirmed;
    }

    /** Deletes published rows older than the retention; returns how many. */
    public int purgePublished() {
        Instant before = clock.instant().minus(properties.get().outboxRetention());
        return jdbc.update("delete from kefu_outbox where published_at < ?", Timestamp.from(before));
    }

    public long pendingCount() {
        try {
            Long n = jdbc.queryForObject("select count(*) from kefu_outbox where published_at is null", Long.class);
            return n == null ? 0 : n;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The row's publish span, continuing the trace stored with it; null when there is none to continue. */
    private @Nullable PublishSpan startSpan(Row row, JsonNode envelope) {
        String traceparent = envelope.hasNonNull("traceparent") ? envelope.get("traceparent").asString() : null;
        return tracing.startPublish(traceparent, "publish " + row.type(), row.createdAt(), Map.of(
                "messaging.system", "rabbitmq",
                "messaging.operation.type", "publish",
                "messaging.destination.name", row.exchange(),
                "messaging.rabbitmq.destination.routing_key", row.routingKey(),
                "messaging.message.id", row.id().toString(),
                "kefu.outbox.attempts", Integer.toString(row.attempts())));
    }

    /** Each span ends when its row's fate is known: confirmed, or left pending with the reason. */
    private static void endSpans(List<Row> rows, List<@Nullable PublishSpan> spans, List<Failure> failures) {
        Map<UUID, String> failed = new java.util.HashMap<>();
        failures.forEach(f -> failed.put(f.row().id(), f.reason()));
        for (int i = 0; i < rows.size() && i < spans.size(); i++) {
            PublishSpan span = spans.get(i);
            if (span == null) {
                continue;
            }
            String reason = failed.get(rows.get(i).id());
            if (reason == null) {
                span.confirmed();
            } else {
                span.failed(reason);
            }
        }
    }

    private Message toMessage(Row row, JsonNode envelope, @Nullable PublishSpan span, EventsProperties props) {
        MessageProperties mp = new MessageProperties();
        mp.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        mp.setContentEncoding(StandardCharsets.UTF_8.name());
        mp.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        mp.setMessageId(row.id().toString());
        mp.setType(envelope.path("type").asString());
        mp.setPriority(props.amqpPriority(row.priority()));
        mp.setHeader("kefu-priority", row.priority());
        if (envelope.hasNonNull("tenantId")) {
            mp.setHeader("kefu-tenant", envelope.get("tenantId").asString());
        }
        // The publish span's context when there is one, so the consumer's span is its child.
        String traceparent = span != null && span.traceparent() != null ? span.traceparent()
                : envelope.hasNonNull("traceparent") ? envelope.get("traceparent").asString() : null;
        if (traceparent != null) {
            mp.setHeader("traceparent", traceparent);
        }
        return new Message(row.envelope().getBytes(StandardCharsets.UTF_8), mp);
    }

    public static Duration backoff(EventsProperties props, int attempts) {
        long factor = 1L << Math.min(attempts, 20);
        Duration wait = props.retryInitialBackoff().multipliedBy(factor);
        return wait.compareTo(props.retryMaxBackoff()) > 0 ? props.retryMaxBackoff() : wait;
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 1000);
    }

    private void loop() {
        while (running) {
            int confirmed = 0;
            try {
                confirmed = relayOnce();
            } catch (RuntimeException e) {
                log.warn("Outbox relay round failed, retrying: {}", e.getMessage());
            }
            if (confirmed >= properties.get().relayBatchSize()) {
                continue; // more may be waiting
            }
            try {
                if (wakeUps.tryAcquire(properties.get().relayPollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    wakeUps.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void start() {
        running = true;
        worker = Thread.ofPlatform().name("kefu-outbox-relay").daemon(true).start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        wakeUp();
        if (worker != null) {
            try {
                worker.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stops before the connection factory and the datasource, after the web server stopped taking requests.
        return SmartLifecycle.DEFAULT_PHASE - 1000;
    }

    private record Row(UUID id, String type, String exchange, String routingKey, int priority, String envelope, int attempts,
            Instant createdAt) {
    }

    private record Failure(Row row, String reason) {
    }
}
