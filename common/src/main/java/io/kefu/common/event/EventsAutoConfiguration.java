package io.kefu.common.event;

import java.time.Clock;

import com.xxl.job.core.handler.annotation.XxlJob;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.inbox.Inbox;
import io.kefu.common.event.outbox.OutboxRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The outbox, relay, inbox and consumer builder of a service that has a database and RabbitMQ. */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration"})
@ConditionalOnBean({JdbcTemplate.class, RabbitTemplate.class, PlatformTransactionManager.class})
public class EventsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock kefuClock() {
        return Clock.systemUTC();
    }

    @Bean
    LiveProperties<EventsProperties> kefuEventsProperties(Environment environment) {
        return LiveProperties.bind(environment, EventsProperties.class);
    }

    @Bean
    EventTracing kefuEventTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return new EventTracing(tracer.getIfAvailable(), propagator.getIfAvailable());
    }

    @Bean
    TopicExchange kefuEventsExchange(LiveProperties<EventsProperties> properties) {
        return new TopicExchange(properties.get().exchange(), true, false);
    }

    @Bean
    OutboxRelay kefuOutboxRelay(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, RabbitTemplate rabbit,
            LiveProperties<EventsProperties> properties, Clock clock, MeterRegistry meters, EventTracing tracing) {
        return new OutboxRelay(jdbc, new TransactionTemplate(transactionManager), rabbit, properties, EventJson.mapper(), clock, meters,
                tracing);
    }

    @Bean
    EventPublisher kefuEventPublisher(JdbcTemplate jdbc, LiveProperties<EventsProperties> properties,
            @Value("${spring.application.name}") String source, EventTracing tracing, OutboxRelay relay, Clock clock) {
        return new EventPublisher(jdbc, properties, source, tracing, relay::wakeUp, clock);
    }

    @Bean
    Inbox kefuInbox(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Clock clock) {
        return new Inbox(jdbc, new TransactionTemplate(transactionManager), clock);
    }

    @Bean
    EventHandlers kefuEventHandlers(Inbox inbox, EventTracing tracing, RabbitTemplate rabbit, Environment environment) {
        // batch consumers dead-letter a refused event themselves, where the binder would (its dead-letter exchange, the queue's name)
        return new EventHandlers(inbox, tracing, new DeadLetters(rabbit,
                environment.getProperty("spring.cloud.stream.rabbit.default.consumer.dead-letter-exchange", "DLX")));
    }

    /** Dead-lettered events carry their consumer's reason (a forged event's, say) rather than the retry's "exhausted". */
    @Bean
    DeadLetterReasons kefuDeadLetterReasons() {
        return new DeadLetterReasons();
    }

    /** Refuses to start when a consumer's binding in the configuration disagrees with its declaration. */
    @Bean
    ConsumerBindings kefuConsumerBindings(org.springframework.beans.factory.ListableBeanFactory beans, Environment environment) {
        return new ConsumerBindings(beans, environment);
    }

    @Bean
    @ConditionalOnProperty(name = "kefu.events.housekeeping.enabled", matchIfMissing = true)
    OutboxHousekeeping kefuOutboxHousekeeping(OutboxRelay relay, Inbox inbox, LiveProperties<EventsProperties> properties) {
        return new OutboxHousekeeping(relay, inbox, properties);
    }

    /** Deletes published outbox rows and inbox ids past the retention. Idempotent. */
    public static class OutboxHousekeeping {

        private static final Logger log = LoggerFactory.getLogger(OutboxHousekeeping.class);
        private final OutboxRelay relay;
        private final Inbox inbox;
        private final LiveProperties<EventsProperties> properties;

        OutboxHousekeeping(OutboxRelay relay, Inbox inbox, LiveProperties<EventsProperties> properties) {
            this.relay = relay;
            this.inbox = inbox;
            this.properties = properties;
        }

        @XxlJob("outbox-housekeeping")
        public void run() {
            int outbox = relay.purgePublished();
            int inboxIds = inbox.purgeOlderThan(properties.get().outboxRetention());
            log.info("Housekeeping removed {} published outbox rows and {} inbox ids", outbox, inboxIds);
        }
    }
}
