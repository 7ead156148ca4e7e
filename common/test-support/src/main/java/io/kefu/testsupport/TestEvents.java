package io.kefu.testsupport;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes an event the way its producer does: the envelope on the producer's exchange
 * ({@code kefu.<domain>}) with the type minus the domain as routing key, so a consumer under test
 * receives exactly what it would from the real service.
 */
public final class TestEvents {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestEvents() {
    }

    /** Publishes {@code data} as event {@code type} (e.g. routing.conversation.assigned.v1); returns the envelope's id. */
    public static String publish(RabbitTemplate rabbit, String type, UUID tenantId, String subject, int priority, Map<String, ?> data) {
        String domain = type.substring(0, type.indexOf('.'));
        String id = UUID.randomUUID().toString();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", id);
        envelope.put("type", type);
        envelope.put("source", domain + "-service");
        envelope.put("time", Instant.now().toString());
        envelope.put("tenantId", tenantId.toString());
        envelope.put("subject", subject);
        envelope.put("priority", priority);
        envelope.put("data", data);
        MessageProperties props = new MessageProperties();
        props.setContentType("application/json");
        rabbit.send("kefu." + domain, type.substring(domain.length() + 1), new Message(JSON.writeValueAsBytes(envelope), props));
        return id;
    }
}
