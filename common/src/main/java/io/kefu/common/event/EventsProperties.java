package io.kefu.common.event;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tunables of the event machinery ({@code kefu.events.*}). Read live through
 * {@link io.kefu.common.config.LiveProperties}, so a refresh changes them without a restart.
 *
 * @param domain              first segment of this service's event types and of its exchange
 *                            ({@code chat} → {@code kefu.chat}); defaults to the application name
 *                            without {@code -service}. At start.
 * @param relayBatchSize      outbox rows the relay sends per round, all in flight together
 * @param relayPollInterval   how often the relay looks for work when no commit woke it
 * @param confirmTimeout      how long the relay waits for the broker's publisher confirms
 * @param retryInitialBackoff first wait after a failed publish; doubles per attempt
 * @param retryMaxBackoff     cap of that wait
 * @param amqpMaxPriority     {@code x-max-priority} of the consumer queues; event priorities 0-10
 *                            are folded into bands 0..amqpMaxPriority (RabbitMQ advises few levels). At start (queues are declared with it)
 * @param outboxRetention     how long published outbox rows and inbox ids are kept
 */
@ConfigurationProperties("kefu.events")
public record EventsProperties(
        String domain,
        @DefaultValue("200") int relayBatchSize,
        @DefaultValue("500ms") Duration relayPollInterval,
        @DefaultValue("10s") Duration confirmTimeout,
        @DefaultValue("1s") Duration retryInitialBackoff,
        @DefaultValue("60s") Duration retryMaxBackoff,
        @DefaultValue("3") int amqpMaxPriority,
        @DefaultValue("7d") Duration outboxRetention) {

    public EventsProperties {
        if (relayBatchSize < 1 || relayBatchSize > 5000) {
            throw new IllegalArgumentException("kefu.events.relay-batch-size must be 1-5000");
        }
        if (amqpMaxPriority < 1 || amqpMaxPriority > 10) {
            throw new IllegalArgumentException("kefu.events.amqp-max-priority must be 1-10");
        }
        if (domain == null || !domain.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("kefu.events.domain must be set to the service's event prefix, e.g. chat");
        }
    }

    public String exchange() {
        return "kefu." + domain;
    }

    /** The AMQP priority for an event priority 0-10: band 0 .. amqpMaxPriority. */
    public int amqpPriority(int eventPriority) {
        return eventPriority * (amqpMaxPriority + 1) / (EventEnvelope.MAX_PRIORITY + 1);
    }
}
