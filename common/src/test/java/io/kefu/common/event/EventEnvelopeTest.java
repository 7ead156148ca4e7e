package io.kefu.common.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventEnvelopeTest {

    private final EventsProperties props = new EventsProperties("chat", 200, Duration.ofMillis(500), Duration.ofSeconds(10),
            Duration.ofSeconds(1), Duration.ofSeconds(60), 3, Duration.ofDays(7));

    @Test
    void theRoutingKeyIsTheTypeWithoutTheServicePrefix() {
        assertThat(EventEnvelope.routingKeyOf("chat.message.received.v1")).isEqualTo("message.received.v1");
        assertThatThrownBy(() -> EventEnvelope.routingKeyOf("nodots")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventEnvelope.routingKeyOf("chat.")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void priorityOutsideZeroToTenIsRefused() {
        assertThatThrownBy(() -> new EventEnvelope("1", "chat.x.v1", "chat-service", Instant.now(), null, null, 11, null, null))
                .hasMessageContaining("0-10");
        assertThatThrownBy(() -> new EventEnvelope("1", "chat.x.v1", "chat-service", Instant.now(), null, null, -1, null, null))
                .hasMessageContaining("0-10");
    }

    @Test
    void elevenEventPrioritiesFoldIntoFourAmqpBandsInOrder() {
        Map<Integer, Integer> expected = Map.ofEntries(Map.entry(0, 0), Map.entry(1, 0), Map.entry(2, 0), Map.entry(3, 1),
                Map.entry(4, 1), Map.entry(5, 1), Map.entry(6, 2), Map.entry(7, 2), Map.entry(8, 2), Map.entry(9, 3), Map.entry(10, 3));
        expected.forEach((priority, band) -> assertThat(props.amqpPriority(priority)).as("band of %d", priority).isEqualTo(band));
    }

    @Test
    void theExchangeIsNamedAfterTheDomainAndTheDomainIsRequired() {
        assertThat(props.exchange()).isEqualTo("kefu.chat");
        assertThatThrownBy(() -> new EventsProperties(null, 200, Duration.ofMillis(500), Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofSeconds(60), 3, Duration.ofDays(7))).hasMessageContaining("domain");
    }

    @Test
    void anEventClassWithoutTypeOrOfAnotherShapeIsRefused() {
        record Untyped(String a) {
        }
        assertThatThrownBy(() -> EventPublisher.typeOf(Untyped.class)).hasMessageContaining("@EventType");
    }

    @Test
    void theRelayBackoffDoublesUpToItsCap() {
        assertThat(io.kefu.common.event.outbox.OutboxRelay.backoff(props, 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(io.kefu.common.event.outbox.OutboxRelay.backoff(props, 3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(io.kefu.common.event.outbox.OutboxRelay.backoff(props, 30)).isEqualTo(Duration.ofSeconds(60));
    }
}
