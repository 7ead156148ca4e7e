package io.kefu.chat.realtime;

import java.util.Collection;
import java.util.List;

import io.kefu.common.event.EventJson;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivery to connected users on whichever instance holds their sessions: a delivery is published
 * once to the fanout exchange {@code kefu.chat.realtime}; every instance receives it on its own queue
 * and hands it to its broker for those of the users who have sessions here. Live frames are at most
 * once by design: a client that was offline reads what it missed from the history API.
 */
@Component
public class RealtimeRelay implements MessageListener {

    private static final Logger log = LoggerFactory.getLogger(RealtimeRelay.class);

    /** One frame for some users ({@code /user/...}) or for a topic ({@code userIds} empty). */
    record Delivery(List<String> userIds, String destination, JsonNode payload) {
    }

    /** Marks this instance's own publications, which it has delivered locally already. */
    private final String instance = java.util.UUID.randomUUID().toString();
    private final java.util.concurrent.ExecutorService publisher = java.util.concurrent.Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("realtime-publish").factory());
    private final RabbitTemplate rabbit;
    private final SimpMessagingTemplate broker;
    private final UserFrames frames;
    private final JsonMapper json = EventJson.mapper();

    private final ObservationRegistry observations;

    RealtimeRelay(RabbitTemplate rabbit, SimpMessagingTemplate broker, UserFrames frames, ObjectProvider<ObservationRegistry> observations) {
        this.observations = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
        this.rabbit = rabbit;
        this.broker = broker;
        this.frames = frames;
    }

    /** Sends {@code payload} to {@code destination} (e.g. {@code /queue/messages}) of each user, on every instance. */
    public void toUsers(Collection<String> userIds, String destination, Object payload) {
        if (!userIds.isEmpty()) {
            publish(new Delivery(List.copyOf(userIds), destination, json.valueToTree(payload)));
        }
    }

    /** Sends {@code payload} to a broker topic on every instance. */
    public void toTopic(String topic, Object payload) {
        publish(new Delivery(List.of(), topic, json.valueToTree(payload)));
    }

    /**
     * Local sessions get the frame at once, on the caller's thread; other instances through RabbitMQ,
     * published in the background so that a slow or absent broker never holds up the sender.
     */
    private void publish(Delivery delivery) {
        deliver(delivery);
        byte[] body = json.writeValueAsBytes(delivery);
        publisher.execute(() -> {
            MessageProperties props = new MessageProperties();
            props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
            props.setDeliveryMode(org.springframework.amqp.core.MessageDeliveryMode.NON_PERSISTENT);
            props.setHeader("kefu-instance", instance);
            try {
                rabbit.send(RealtimeConfiguration.EXCHANGE, "", new Message(body, props));
            } catch (RuntimeException e) {
                log.warn("Realtime frame for {} not relayed to other instances: {}", delivery.destination(), e.getMessage());
            }
        });
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        publisher.shutdown();
    }

    @Override
    public void onMessage(Message message) {
        if (instance.equals(message.getMessageProperties().getHeader("kefu-instance"))) {
            return; // delivered locally when published
        }
        Delivery delivery;
        try {
            delivery = json.readValue(message.getBody(), Delivery.class);
        } catch (RuntimeException e) {
            log.warn("Dropping an unreadable realtime delivery: {}", e.getMessage());
            return;
        }
        deliver(delivery);
    }

    /** In a span, so a trace shows the frame reaching its users (an agent's assignment, a customer's answer). */
    private void deliver(Delivery delivery) {
        Observation.createNotStarted("kefu.stomp.outbound", observations).contextualName("STOMP deliver")
                .highCardinalityKeyValue("destination", delivery.destination())
                .highCardinalityKeyValue("users", String.join(",", delivery.userIds()))
                .observe(() -> {
                    if (delivery.userIds().isEmpty()) {
                        broker.convertAndSend(delivery.destination(), delivery.payload());
                        return;
                    }
                    for (String userId : delivery.userIds()) {
                        frames.send(userId, delivery.destination(), delivery.payload()); // only users with sessions here
                    }
                });
    }
}
