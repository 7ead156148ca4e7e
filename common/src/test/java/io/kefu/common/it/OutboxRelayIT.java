package io.kefu.common.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.it.CommonItApplication.DemoHappened;
import io.kefu.testsupport.KefuApps;
import io.kefu.testsupport.KefuInfrastructure;
import io.kefu.testsupport.TcpProxy;
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
}
