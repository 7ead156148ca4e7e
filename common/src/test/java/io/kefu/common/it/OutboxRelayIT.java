package io.kefu.common.it;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventJson;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.event.EventTracing;
import io.kefu.common.event.EventType;
import io.kefu.common.event.EventsProperties;
import io.kefu.common.event.outbox.OutboxRelay;
import io.kefu.common.it.CommonItApplication.DemoHappened;
import io.kefu.testsupport.KefuApps;
import io.kefu.testsupport.KefuInfrastructure;
import io.kefu.testsupport.TcpProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static io.kefu.common.it.DemoEvents.await;
import static io.kefu.common.it.DemoEvents.envelope;
import static io.kefu.common.it.DemoEvents.inTransaction;
import static io.kefu.common.it.DemoEvents.publishCommitted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The outbox against real PostgreSQL and RabbitMQ. The application reaches the broker through a
 * {@link TcpProxy} so that the broker can "die" for it alone; the test listens directly.
 */
class OutboxRelayIT {

    static TcpProxy proxy;
    static ConfigurableApplicationContext app;
    static CachingConnectionFactory direct;
    static RabbitTemplate listener;
    static Queue queue;
    static JdbcTemplate jdbc;

    @BeforeAll
    static void start() throws Exception {
        KefuInfrastructure.Endpoints e = KefuInfrastructure.endpoints();
        proxy = new TcpProxy(e.rabbitHost(), e.rabbitPort());
        app = KefuApps.start(CommonItApplication.class, Map.of(
                "spring.rabbitmq.host", "127.0.0.1",
                "spring.rabbitmq.port", proxy.port(),
                // The relay alone is under test (its events are read by a queue of the test's own), so no consumer binds.
                "spring.cloud.function.definition", "",
                "spring.cloud.stream.function.autodetect", "false"));
        jdbc = app.getBean(JdbcTemplate.class);
        direct = DemoEvents.directConnection();
        RabbitAdmin admin = new RabbitAdmin(direct);
        TopicExchange exchange = new TopicExchange("kefu.demo", true, false);
        admin.declareExchange(exchange);
        queue = new Queue("outbox-it-" + UUID.randomUUID(), false, false, false);
        admin.declareQueue(queue);
        admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with("happened.v1"));
        listener = new RabbitTemplate(direct);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (direct != null) {
            new RabbitAdmin(direct).deleteQueue(queue.getName());
            direct.destroy();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aCommittedEventIsPublishedWithItsEnvelopeAndMarkedSent() throws Exception {
        String subject = "commit-" + UUID.randomUUID();
        EventEnvelope sent = publishCommitted(app, new DemoHappened(subject, 3, List.of("a"), new DemoHappened.Detail("n")), subject, 9);

        Message message = listener.receive(queue.getName(), 15_000);
        assertThat(message).as("event on the broker").isNotNull();
        EventEnvelope received = envelope(message);
        assertThat(received.id()).isEqualTo(sent.id());
        assertThat(received.type()).isEqualTo("demo.happened.v1");
        assertThat(received.source()).isEqualTo("kefu-common-it");
        assertThat(received.tenantId()).isEqualTo("t-1");
        assertThat(received.subject()).isEqualTo(subject);
        assertThat(received.priority()).isEqualTo(9);
        assertThat(received.data().path("count").asInt()).isEqualTo(3);
        assertThat(message.getMessageProperties().getPriority()).as("AMQP band of priority 9 of 0-10 in 4 levels").isEqualTo(3);
        assertThat(message.getMessageProperties().getMessageId()).isEqualTo(sent.id());
        await(Duration.ofSeconds(5), "row marked published", () -> jdbc.queryForObject(
                "select published_at is not null from kefu_outbox where id = ?::uuid", Boolean.class, sent.id()));
    }

    @Test
    void aRolledBackTransactionPublishesNothing() throws Exception {
        String rolledBack = "rollback-" + UUID.randomUUID();
        assertThatThrownBy(() -> inTransaction(app, () -> {
            app.getBean(EventPublisher.class).publish(new DemoHappened(rolledBack, 1, List.of(), null), "t-1", rolledBack, 5);
            throw new IllegalStateException("business rule failed after the event was written");
        })).hasMessageContaining("business rule failed");
        String marker = "marker-" + UUID.randomUUID();
        publishCommitted(app, new DemoHappened(marker, 1, List.of(), null), marker, 5);

        Message first = listener.receive(queue.getName(), 15_000);
        assertThat(first).isNotNull();
        assertThat(envelope(first).subject()).as("first event after the rollback").isEqualTo(marker);
        assertThat(jdbc.queryForObject("select count(*) from kefu_outbox where envelope->>'subject' = ?", Integer.class, rolledBack))
                .isZero();
    }

    @Test
    void publishingOutsideATransactionIsRefused() {
        assertThatThrownBy(() -> app.getBean(EventPublisher.class).publish(new DemoHappened("x", 1, List.of(), null), "t-1", "x", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside the transaction");
    }

    @Test
    void aBrokerOutageAtCommitDelaysTheEventButDoesNotLoseIt() throws Exception {
        proxy.cut();
        String subject = "outage-" + UUID.randomUUID();
        EventEnvelope sent;
        try {
            sent = publishCommitted(app, new DemoHappened(subject, 7, List.of(), null), subject, 5);
            await(Duration.ofSeconds(15), "a failed publish attempt recorded", () -> jdbc.queryForObject(
                    "select attempts > 0 and last_error is not null and published_at is null from kefu_outbox where id = ?::uuid",
                    Boolean.class, sent.id()));
            assertThat(listener.receive(queue.getName(), 500)).as("nothing reaches the broker while it is down").isNull();
        } finally {
            proxy.restore();
        }
        Message message = listener.receive(queue.getName(), 30_000);
        assertThat(message).as("event delivered once the broker is back").isNotNull();
        assertThat(envelope(message).id()).isEqualTo(sent.id());
        await(Duration.ofSeconds(5), "row marked published", () -> jdbc.queryForObject(
                "select published_at is not null from kefu_outbox where id = ?::uuid", Boolean.class, sent.id()));
    }

    @Test
    void manyEventsAreStoredInOneCallWithTheirOwnEnvelopesAndAllReachTheBroker() throws Exception {
        Tracer tracer = app.getBean(Tracer.class);
        String prefix = "all-" + UUID.randomUUID() + "-";
        List<EventPublisher.Publication> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(new EventPublisher.Publication(new DemoHappened(prefix + i, i, List.of("t" + i), null), "t-" + (i % 3),
                    prefix + i, i % 11));
        }
        Span span = tracer.nextSpan().name("request").start();
        List<EventEnvelope> stored;
        try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
            stored = inTransaction(app, () -> app.getBean(EventPublisher.class).publishAll(events));
        } finally {
            span.end();
        }
        assertThat(stored).hasSize(30);
        assertThat(stored).extracting(EventEnvelope::id).doesNotHaveDuplicates();
        assertThat(stored).allSatisfy(e -> assertThat(e.traceparent()).contains(span.context().traceId()));

        // Matched by id: what is checked here is each event's content, not the order (StreamConsumerIT checks that).
        Map<String, Message> byId = new java.util.HashMap<>();
        for (int i = 0; i < 30; i++) {
            Message message = listener.receive(queue.getName(), 15_000);
            assertThat(message).as("event %d on the broker", i).isNotNull();
            byId.put(envelope(message).id(), message);
        }
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(stored.stream().map(EventEnvelope::id).toList());
        for (int i = 0; i < 30; i++) {
            Message message = byId.get(stored.get(i).id());
            EventEnvelope received = envelope(message);
            assertThat(received.type()).isEqualTo("demo.happened.v1");
            assertThat(received.source()).isEqualTo("kefu-common-it");
            assertThat(received.tenantId()).isEqualTo("t-" + (i % 3));
            assertThat(received.subject()).isEqualTo(prefix + i);
            assertThat(received.priority()).isEqualTo(i % 11);
            assertThat(received.traceparent()).isEqualTo(stored.get(i).traceparent());
            assertThat(received.data().path("count").asInt()).isEqualTo(i);
            assertThat(received.data().path("tags").get(0).asString()).isEqualTo("t" + i);
            assertThat(message.getMessageProperties().getMessageId()).isEqualTo(stored.get(i).id());
        }
        await(Duration.ofSeconds(5), "rows marked published", () -> jdbc.queryForObject(
                "select count(*) = 30 from kefu_outbox where envelope->>'subject' like ? and published_at is not null", Boolean.class,
                prefix + "%"));
        assertThat(jdbc.queryForList("select id::text from kefu_outbox where envelope->>'subject' like ? order by created_at", String.class,
                prefix + "%")).as("created_at in the list's order, as when published one by one")
                .containsExactlyElementsOf(stored.stream().map(EventEnvelope::id).toList());
        Map<String, Object> row = jdbc.queryForMap("""
                select event_type, exchange, routing_key, priority, created_at = next_attempt_at as due_at_once
                from kefu_outbox where id = ?::uuid""", stored.get(7).id());
        assertThat(row).containsEntry("event_type", "demo.happened.v1").containsEntry("exchange", "kefu.demo")
                .containsEntry("routing_key", "happened.v1").containsEntry("priority", 7).containsEntry("due_at_once", true);
        assertThat(jdbc.queryForObject("select created_at from kefu_outbox where id = ?::uuid", java.sql.Timestamp.class, stored.get(7).id())
                .toInstant()).as("the envelope's time, whatever the zones").isEqualTo(stored.get(7).time());
    }

    @Test
    void manyEventsWakeTheRelayOnceAfterTheCommitAndARolledBackListStoresNothing() throws Exception {
        AtomicInteger wakeUps = new AtomicInteger();
        @SuppressWarnings("unchecked")
        EventPublisher counting = new EventPublisher(jdbc, (LiveProperties<EventsProperties>) app.getBean("kefuEventsProperties"),
                "kefu-common-it", app.getBean(EventTracing.class), wakeUps::incrementAndGet, app.getBean(Clock.class));
        String prefix = "wake-" + UUID.randomUUID() + "-";
        List<EventPublisher.Publication> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(EventPublisher.Publication.of(new DemoHappened(prefix + i, i, List.of(), null), "t-1", prefix + i));
        }
        inTransaction(app, () -> {
            counting.publishAll(events);
            assertThat(wakeUps).as("not before the commit").hasValue(0);
            return null;
        });
        assertThat(wakeUps).as("once for the list").hasValue(1);
        List<EventEnvelope> received = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Message message = listener.receive(queue.getName(), 15_000);
            assertThat(message).as("event %d on the broker", i).isNotNull();
            received.add(envelope(message));
        }
        assertThat(received).extracting(EventEnvelope::subject)
                .containsExactlyInAnyOrder(prefix + 0, prefix + 1, prefix + 2, prefix + 3, prefix + 4);
        assertThat(received).extracting(EventEnvelope::priority).as("the type's own priority")
                .containsOnly(EventPublisher.priorityOf(events.getFirst().event()));

        String rolledBack = "all-rollback-" + UUID.randomUUID();
        assertThatThrownBy(() -> inTransaction(app, () -> {
            counting.publishAll(List.of(EventPublisher.Publication.of(new DemoHappened(rolledBack, 1, List.of(), null), "t-1", rolledBack),
                    EventPublisher.Publication.of(new DemoHappened(rolledBack, 2, List.of(), null), "t-1", rolledBack)));
            throw new IllegalStateException("business rule failed after the events were written");
        })).hasMessageContaining("business rule failed");
        assertThat(wakeUps).as("no wake-up for a rollback").hasValue(1);
        assertThat(jdbc.queryForObject("select count(*) from kefu_outbox where envelope->>'subject' = ?", Integer.class, rolledBack)).isZero();
    }

    @Test
    void aListWithAnotherDomainsEventIsRefusedWholeAndOutsideATransactionToo() {
        String subject = "foreign-" + UUID.randomUUID();
        assertThatThrownBy(() -> inTransaction(app, () -> app.getBean(EventPublisher.class).publishAll(List.of(
                EventPublisher.Publication.of(new DemoHappened(subject, 1, List.of(), null), "t-1", subject),
                EventPublisher.Publication.of(new ForeignHappened(subject), "t-1", subject)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publishes only demo.* events, not billing.invoice.paid.v1");
        assertThat(jdbc.queryForObject("select count(*) from kefu_outbox where envelope->>'subject' = ?", Integer.class, subject)).isZero();
        assertThatThrownBy(() -> app.getBean(EventPublisher.class).publishAll(List.of(
                EventPublisher.Publication.of(new DemoHappened(subject, 1, List.of(), null), "t-1", subject))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside the transaction");
    }

    @Test
    void aRoundMarksEveryConfirmedRowPublishedAtOnceAndClearsTheirErrors() throws Exception {
        List<String> ids = deferred("round-", 12, 2);
        Clock later = Clock.offset(app.getBean(Clock.class), Duration.ofHours(2));

        int confirmed = relayAt(later).relayOnce();

        assertThat(confirmed).as("the round took the deferred rows").isGreaterThanOrEqualTo(ids.size());
        assertThat(jdbc.queryForList("""
                select count(*) filter (where published_at is not null and last_error is null) as published, count(distinct published_at) as times
                from kefu_outbox where id = any(?::uuid[])""", (Object) ids.toArray(String[]::new)).getFirst())
                .as("all the round's rows marked, at the round's one time").containsEntry("published", 12L).containsEntry("times", 1L);
        List<String> received = new ArrayList<>();
        while (received.size() < ids.size()) {
            Message message = listener.receive(queue.getName(), 15_000);
            assertThat(message).as("event %d of the round on the broker", received.size()).isNotNull();
            String id = envelope(message).id();
            if (ids.contains(id)) {
                received.add(id);
            }
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aRoundThatCannotSendKeepsEachRowPendingWithItsOwnAttemptsBackoffAndReason() throws Exception {
        List<String> fresh = deferred("unsent-fresh-", 2, 0);
        List<String> retried = deferred("unsent-retried-", 2, 3);
        Clock later = Clock.fixed(app.getBean(Clock.class).instant().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MILLIS),
                java.time.ZoneOffset.UTC);
        @SuppressWarnings("unchecked")
        EventsProperties props = ((LiveProperties<EventsProperties>) app.getBean("kefuEventsProperties")).get();
        proxy.cut();
        try {
            assertThat(relayAt(later).relayOnce()).isZero();
        } finally {
            proxy.restore();
        }
        try {
            for (String id : fresh) {
                assertPending(id, 1, later.instant().plus(OutboxRelay.backoff(props, 0)));
            }
            for (String id : retried) {
                assertPending(id, 4, later.instant().plus(OutboxRelay.backoff(props, 3)));
            }
        } finally {
            // Due only in the future of this JVM's relay: nothing would ever send them.
            jdbc.update("delete from kefu_outbox where id = any(?::uuid[])", (Object) concat(fresh, retried).toArray(String[]::new));
        }
    }

    /** Committed rows the app's own relay leaves alone: due in an hour, as after {@code attempts} failures. */
    private static List<String> deferred(String prefix, int count, int attempts) {
        List<EventPublisher.Publication> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(EventPublisher.Publication.of(new DemoHappened(prefix + i, i, List.of(), null), "t-1", prefix + i));
        }
        return inTransaction(app, () -> {
            List<String> ids = app.getBean(EventPublisher.class).publishAll(events).stream().map(EventEnvelope::id).toList();
            jdbc.update("""
                    update kefu_outbox set next_attempt_at = now() + interval '1 hour', attempts = ?, last_error = 'an earlier failure'
                    where id = any(?::uuid[])""", attempts, ids.toArray(String[]::new));
            return ids;
        });
    }

    /** A relay of the app's beans whose clock is {@code clock}, so it alone takes the deferred rows. */
    @SuppressWarnings("unchecked")
    private static OutboxRelay relayAt(Clock clock) {
        return new OutboxRelay(jdbc, new TransactionTemplate(app.getBean(PlatformTransactionManager.class)), app.getBean(RabbitTemplate.class),
                (LiveProperties<EventsProperties>) app.getBean("kefuEventsProperties"), EventJson.mapper(), clock, new SimpleMeterRegistry(),
                app.getBean(EventTracing.class));
    }

    private static void assertPending(String id, int attempts, java.time.Instant nextAttemptAt) {
        Map<String, Object> row = jdbc.queryForMap("select attempts, next_attempt_at, last_error, published_at from kefu_outbox where id = ?::uuid", id);
        assertThat(row).as("row %s", id).containsEntry("attempts", attempts).containsEntry("published_at", null);
        assertThat(((java.sql.Timestamp) row.get("next_attempt_at")).toInstant()).as("row %s's own backoff", id).isEqualTo(nextAttemptAt);
        assertThat((String) row.get("last_error")).as("row %s", id).startsWith("send: ");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @EventType("billing.invoice.paid.v1")
    record ForeignHappened(String subject) {
    }
}
