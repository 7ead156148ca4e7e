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
 *
 * <p>Only while there is another instance: each instance says it is there with a beacon on the same
 * exchange every {@link #BEACON} (a "hello" when it starts, which the others answer at once), and relays
 * only while it has heard another instance within {@link #PEER_TTL}. A lone instance (the usual
 * deployment) delivers locally and spends nothing on RabbitMQ: before, every frame went to the broker
 * and came back to its own queue to be dropped, two AMQP messages and a JSON write per chat message.
 */
@Component
public class RealtimeRelay implements MessageListener {

    private static final Logger log = LoggerFactory.getLogger(RealtimeRelay.class);

    /** One frame for some users ({@code /user/...}) or for a topic ({@code userIds} empty). */
    record Delivery(List<String> userIds, String destination, JsonNode payload) {
    }

    static final long BEACON_MILLIS = 5_000;
    static final java.time.Duration BEACON = java.time.Duration.ofMillis(BEACON_MILLIS);
    static final java.time.Duration PEER_TTL = BEACON.multipliedBy(3);
    private static final String INSTANCE_HEADER = "kefu-instance";
    private static final String BEACON_HEADER = "kefu-beacon";

    /** Marks this instance's own publications, which it has delivered locally already. */
    private final String instance = java.util.UUID.randomUUID().toString();
    /** {@link System#nanoTime()} until which another instance counts as there (the last beacon heard + {@link #PEER_TTL}). */
    private volatile long peersUntil = System.nanoTime() - 1;
    private volatile boolean greeted;
    private final java.util.concurrent.ExecutorService publisher = java.util.concurrent.Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("realtime-publish").factory());
    private final RabbitTemplate rabbit;
    private final SimpMessagingTemplate broker;
    private final UserFrames frames;
    private final JsonMapper json = EventJson.mapper();

    private final ObservationRegistry observations;
    private final String exchange;

    RealtimeRelay(RabbitTemplate rabbit, SimpMessagingTemplate broker, UserFrames frames, ObjectProvider<ObservationRegistry> observations,
            io.kefu.common.config.LiveProperties<RealtimeProperties> properties) {
        this.exchange = properties.get().relayExchange();
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
        if (!hasPeers()) {
            return;
        }
        byte[] body = json.writeValueAsBytes(delivery);
        publisher.execute(() -> {
            try {
                rabbit.send(exchange, "", new Message(body, properties(null)));
            } catch (RuntimeException e) {
                log.warn("Realtime frame for {} not relayed to other instances: {}", delivery.destination(), e.getMessage());
            }
        });
    }

    /** Whether another instance was heard from within {@link #PEER_TTL}: only then is a frame relayed. */
    public boolean hasPeers() {
        return System.nanoTime() - peersUntil < 0;
    }

    /** Every {@link #BEACON}, from the start: the first is a hello, which the other instances answer at once. */
    @org.springframework.scheduling.annotation.Scheduled(fixedDelay = BEACON_MILLIS)
    void beacon() {
        sendBeacon(greeted ? "here" : "hello");
        greeted = true;
    }

    private void sendBeacon(String kind) {
        publisher.execute(() -> {
            try {
                rabbit.send(exchange, "", new Message(new byte[0], properties(kind)));
            } catch (RuntimeException e) {
                log.debug("Realtime beacon not sent: {}", e.getMessage());
            }
        });
    }

    private MessageProperties properties(@org.jspecify.annotations.Nullable String beacon) {
        MessageProperties props = new MessageProperties();
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        props.setDeliveryMode(org.springframework.amqp.core.MessageDeliveryMode.NON_PERSISTENT);
        props.setHeader(INSTANCE_HEADER, instance);
        if (beacon != null) {
            props.setHeader(BEACON_HEADER, beacon);
        }
        return props;
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        publisher.shutdown();
    }

    @Override
    public void onMessage(Message message) {
        if (instance.equals(message.getMessageProperties().getHeader(INSTANCE_HEADER))) {
            return; // delivered locally when published
        }
        peersUntil = System.nanoTime() + PEER_TTL.toNanos(); // a frame or a beacon: another instance is there
        Object beacon = message.getMessageProperties().getHeader(BEACON_HEADER);
        if (beacon != null) {
            if ("hello".equals(beacon)) {
                sendBeacon("here"); // the newcomer learns of this instance now, not at its next beacon
            }
            return;
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
