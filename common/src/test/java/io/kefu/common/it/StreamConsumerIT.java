package io.kefu.common.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventJson;
import io.kefu.common.event.EventsProperties;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.it.CommonItApplication.Consumed;
import io.kefu.common.it.CommonItApplication.DemoFailing;
import io.kefu.common.it.CommonItApplication.DemoHappened;
import io.kefu.common.it.CommonItApplication.DemoRanked;
import io.kefu.testsupport.KefuApps;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.kefu.common.it.DemoEvents.await;
import static io.kefu.common.it.DemoEvents.inTransaction;
import static io.kefu.common.it.DemoEvents.publishCommitted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consumers through Spring Cloud Stream's RabbitMQ binder against the real broker: the queue
 * {@code kefu.demo.it} with priorities, the inbox against redelivery, the dead-letter queue, and
 * the trace carried from producer to consumer.
 */
class StreamConsumerIT {

    static final String BINDING = "demoEvents-in-0";
    static final String QUEUE = "kefu.demo.it";
    static ConfigurableApplicationContext app;
    static CachingConnectionFactory direct;
    static RabbitTemplate rabbit;
    static BlockingQueue<Consumed> consumed;
    static JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        app = KefuApps.start(CommonItApplication.class, Map.of());
        jdbc = app.getBean(JdbcTemplate.class);
        direct = DemoEvents.directConnection();
        rabbit = new RabbitTemplate(direct);
        @SuppressWarnings("unchecked")
        BlockingQueue<Consumed> queue = app.getBean("consumed", BlockingQueue.class);
        consumed = queue;
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (direct != null) {
            direct.destroy();
        }
    }

    @BeforeEach
    void forgetEarlierDeliveries() {
        consumed.clear();
    }

    @Test
    void withABacklogHigherPriorityEventsAreConsumedFirstThenInArrivalOrder() throws Exception {
        BindingsLifecycleController bindings = app.getBean(BindingsLifecycleController.class);
        bindings.changeState(BINDING, BindingsLifecycleController.State.STOPPED);
        int[] priorities = {0, 10, 3, 7, 1, 9, 5, 2, 8, 4, 6, 10, 0, 5};
        inTransaction(app, () -> {
            for (int i = 0; i < priorities.length; i++) {
                app.getBean(io.kefu.common.event.EventPublisher.class)
                        .publish(new DemoRanked("rank-" + i, i), "t-1", "rank-" + i, priorities[i]);
            }
            return null;
        });
        RabbitAdmin admin = new RabbitAdmin(direct);
        await(Duration.ofSeconds(15), "backlog of " + priorities.length, () -> {
            Properties q = admin.getQueueProperties(QUEUE);
            return q != null && ((Number) q.get(RabbitAdmin.QUEUE_MESSAGE_COUNT)).intValue() == priorities.length;
        });
        bindings.changeState(BINDING, BindingsLifecycleController.State.STARTED);

        List<Consumed> order = new ArrayList<>();
        for (int i = 0; i < priorities.length; i++) {
            Consumed c = consumed.poll(20, TimeUnit.SECONDS);
            assertThat(c).as("event %d of %d", i + 1, priorities.length).isNotNull();
            order.add(c);
        }
        EventsProperties props = eventsProperties();
        for (int i = 1; i < order.size(); i++) {
            int before = props.amqpPriority(order.get(i - 1).priority());
            int now = props.amqpPriority(order.get(i).priority());
            assertThat(now).as("band of %s after %s", order.get(i), order.get(i - 1)).isLessThanOrEqualTo(before);
            if (now == before) {
                assertThat(rank(order.get(i))).as("arrival order within a band").isGreaterThan(rank(order.get(i - 1)));
            }
        }
        assertThat(props.amqpPriority(order.getFirst().priority())).isEqualTo(3);
        assertThat(props.amqpPriority(order.getLast().priority())).isZero();
    }

    @Test
    void aRedeliveredEventHasOneEffect() throws Exception {
        String subject = "dup-" + UUID.randomUUID();
        EventEnvelope envelope = new EventEnvelope(UUID.randomUUID().toString(), "demo.happened.v1", "kefu-common-it",
                java.time.Instant.now(), "t-1", subject, 5, null,
                EventJson.mapper().valueToTree(new DemoHappened(subject, 1, List.of(), null)));
        byte[] body = EventJson.mapper().writeValueAsBytes(envelope);
        // The same event twice, as after a lost publisher confirm or a consumer crash before its ack.
        for (int i = 0; i < 2; i++) {
            MessageProperties mp = new MessageProperties();
            mp.setContentType("application/json");
            rabbit.send("kefu.demo", "happened.v1", new Message(body, mp));
        }
        String marker = "after-dup-" + UUID.randomUUID();
        publishCommitted(app, new DemoHappened(marker, 1, List.of(), null), marker, 5);
        await(Duration.ofSeconds(20), "marker consumed after both copies", () ->
                jdbc.queryForObject("select count(*) from demo_effect where subject = ?", Integer.class, marker) == 1);

        assertThat(jdbc.queryForObject("select count(*) from demo_effect where subject = ?", Integer.class, subject)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from kefu_inbox where event_id = ?", Integer.class, envelope.id())).isEqualTo(1);
    }

    @Test
    void aHandlerThatKeepsFailingEndsInTheDeadLetterQueueWithTheReason() throws Exception {
        String subject = "poison-" + UUID.randomUUID();
        EventEnvelope sent = publishCommitted(app, new DemoFailing(subject), subject, 5);

        Message dead = rabbit.receive(QUEUE + ".dlq", 30_000);
        assertThat(dead).as("message parked in " + QUEUE + ".dlq").isNotNull();
        assertThat(DemoEvents.envelope(dead).id()).isEqualTo(sent.id());
        Map<String, Object> headers = dead.getMessageProperties().getHeaders();
        // Framework 7's retry wraps the handler's exception, so the binder's message header names the
        // exhausted retry and the handler's own reason is in the stack trace header.
        assertThat(String.valueOf(headers.get("x-exception-message"))).isNotBlank();
        assertThat(String.valueOf(headers.get("x-exception-stacktrace"))).contains("demo handler refuses " + subject);
        assertThat(headers.get("x-original-exchange")).isEqualTo("kefu.demo");
        assertThat(headers.get("x-original-routingKey")).isEqualTo("failing.v1");
        assertThat(jdbc.queryForObject("select count(*) from kefu_inbox where event_id = ?", Integer.class, sent.id()))
                .as("a failed effect leaves no inbox record").isZero();
        assertThat(attemptsOf(subject)).as("retried up to max-attempts").isEqualTo(3);
    }

    /** The handler's attempts at an event of this subject, seen so far (the event is already dead-lettered). */
    private static int attemptsOf(String subject) {
        return (int) consumed.stream().filter(c -> c.subject().equals(subject)).count();
    }

    @Test
    void aMalformedEventIsDeadLetteredAtTheFirstAttemptWithItsReason() throws Exception {
        String subject = "malformed-" + UUID.randomUUID();
        EventEnvelope sent = publishCommitted(app, new DemoFailing(subject), subject, 5);

        Message dead = rabbit.receive(QUEUE + ".dlq", 30_000);
        assertThat(dead).as("message parked in " + QUEUE + ".dlq").isNotNull();
        assertThat(DemoEvents.envelope(dead).id()).isEqualTo(sent.id());
        Map<String, Object> headers = dead.getMessageProperties().getHeaders();
        assertThat(String.valueOf(headers.get("x-exception-message"))).contains("demo handler finds " + subject + " malformed");
        // retrying cannot mend a malformed event: the handler ran once (a failing one runs max-attempts = 3 times)
        assertThat(attemptsOf(subject)).isEqualTo(1);
    }

    @Test
    void aForgedEnvelopeIsDeadLetteredWithItsReason() throws Exception {
        // a type the routing key does not carry (unknown to the consumer, smuggled under a bound key), and an envelope without its id
        String smuggled = "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"demo.teleported.v1\",\"source\":\"x\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"tenantId\":\"t-1\",\"priority\":5,\"data\":{}}";
        String anonymous = "{\"type\":\"demo.happened.v1\",\"source\":\"x\",\"time\":\"2026-01-01T00:00:00Z\",\"priority\":5,\"data\":{}}";
        for (String body : List.of(smuggled, anonymous)) {
            MessageProperties mp = new MessageProperties();
            mp.setContentType("application/json");
            rabbit.send("kefu.demo", "happened.v1", new Message(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), mp));
        }
        Map<String, String> reasons = new java.util.HashMap<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reasons.size() < 2 && System.nanoTime() < end) {
            Message dead = rabbit.receive(QUEUE + ".dlq", 1000);
            if (dead != null) {
                String body = new String(dead.getBody(), java.nio.charset.StandardCharsets.UTF_8);
                reasons.put(body.equals(smuggled) ? "smuggled" : body.equals(anonymous) ? "anonymous" : body,
                        String.valueOf(dead.getMessageProperties().getHeaders().get("x-exception-message")));
            }
        }
        assertThat(reasons.get("smuggled")).contains("demo.teleported.v1").contains("happened.v1");
        assertThat(reasons.get("anonymous")).contains("not a Kefu event envelope");
    }

    @Test
    void theConsumerContinuesTheProducersTrace() throws Exception {
        Tracer tracer = app.getBean(Tracer.class);
        String subject = "trace-" + UUID.randomUUID();
        Span span = tracer.nextSpan().name("request").start();
        try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
            EventEnvelope sent = publishCommitted(app, new DemoHappened(subject, 1, List.of(), null), subject, 5);
            assertThat(sent.traceparent()).contains(span.context().traceId());
        } finally {
            span.end();
        }
        Consumed c = next(subject);
        assertThat(c.traceId()).isEqualTo(span.context().traceId());
    }

    @Test
    void theRelaysPublishIsASpanBetweenTheProducerAndTheConsumerCoveringTheWaitInTheOutbox() throws Exception {
        Tracer tracer = app.getBean(Tracer.class);
        String subject = "relay-span-" + UUID.randomUUID();
        Span span = tracer.nextSpan().name("request").start();
        EventEnvelope sent;
        try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
            sent = publishCommitted(app, new DemoHappened(subject, 1, List.of(), null), subject, 5);
        } finally {
            span.end();
        }
        assertThat(next(subject).traceId()).isEqualTo(span.context().traceId());
        var ended = app.getBean(CommonItApplication.EndedSpans.class);
        var publish = awaitSpan(() -> ended.all().stream()
                .filter(s -> s.getKind() == io.opentelemetry.api.trace.SpanKind.PRODUCER)
                .filter(s -> sent.id().equals(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("messaging.message.id"))))
                .findFirst().orElse(null));
        assertThat(publish.getName()).isEqualTo("publish demo.happened.v1");
        assertThat(publish.getTraceId()).isEqualTo(span.context().traceId());
        assertThat(publish.getParentSpanId()).as("child of the transaction that wrote the row").isEqualTo(span.context().spanId());
        assertThat(publish.getStartEpochNanos() / 1_000_000).as("starts when the row was written")
                .isEqualTo(sent.time().toEpochMilli());
        assertThat(publish.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("messaging.destination.name")))
                .isEqualTo("kefu.demo");
        var consumer = awaitSpan(() -> ended.all().stream()
                .filter(s -> s.getKind() == io.opentelemetry.api.trace.SpanKind.CONSUMER && s.getName().equals("it demo.happened.v1"))
                .filter(s -> s.getTraceId().equals(span.context().traceId()))
                .findFirst().orElse(null));
        assertThat(consumer.getParentSpanId()).as("the consumer is the publish's child").isEqualTo(publish.getSpanId());
        assertThat(publish.getEndEpochNanos()).as("ends at the broker's confirm").isGreaterThanOrEqualTo(publish.getStartEpochNanos());
    }

    @Test
    void aTraceStartedUpstreamOfTheServiceReachesTheConsumer() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String subject = "http-" + UUID.randomUUID();
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + KefuApps.port(app) + "/demo/happenings/" + subject))
                        .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(next(subject).traceId()).as("trace of the consumer").isEqualTo(traceId);
    }

    private static <T> T awaitSpan(java.util.function.Supplier<T> find) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            T found = find.get();
            if (found != null) {
                return found;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such span ended");
    }

    private static Consumed next(String subject) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            Consumed c = consumed.poll(200, TimeUnit.MILLISECONDS);
            if (c != null && c.subject().equals(subject)) {
                return c;
            }
        }
        throw new AssertionError("no event " + subject + " consumed");
    }

    @SuppressWarnings("unchecked")
    private static EventsProperties eventsProperties() {
        return ((LiveProperties<EventsProperties>) app.getBean("kefuEventsProperties")).get();
    }

    private static int rank(Consumed c) {
        return Integer.parseInt(c.subject().substring("rank-".length()));
    }
}
