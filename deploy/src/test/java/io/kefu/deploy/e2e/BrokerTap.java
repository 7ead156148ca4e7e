package io.kefu.deploy.e2e;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.kefu.testsupport.KefuInfrastructure;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The test's own connection to the run's RabbitMQ vhost — straight to the broker, not through the proxy a
 * fault test cuts — to publish events the way their producers do (the envelope of test-support's {@code TestEvents},
 * kept so that one can be delivered again with its id), and to count what a service publishes:
 * a queue of the test's bound to the service's exchange with {@code #}, drained into a list of envelopes
 * (every delivery, duplicates included, so the test can tell copies of one event from distinct events).
 */
final class BrokerTap implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final CachingConnectionFactory connections;
    private final RabbitTemplate rabbit;
    private final RabbitAdmin admin;
    private final List<String> queues = new ArrayList<>();
    private final List<JsonNode> received = new ArrayList<>();
    private final ThreadLocal<JsonNode> last = new ThreadLocal<>();

    BrokerTap() {
        KefuInfrastructure.Endpoints e = KefuInfrastructure.endpoints();
        connections = new CachingConnectionFactory(e.rabbitHost(), e.rabbitPort());
        connections.setUsername(e.rabbitUser());
        connections.setPassword(e.rabbitPassword());
        connections.setVirtualHost(e.rabbitVhost());
        rabbit = new RabbitTemplate(connections);
        admin = new RabbitAdmin(connections);
    }

    /** A queue of the test's receiving everything published to {@code exchange} from now on. */
    void listen(String exchange) {
        String name = "e2e-tap-" + exchange + "-" + UUID.randomUUID().toString().substring(0, 8);
        TopicExchange topic = new TopicExchange(exchange, true, false);
        admin.declareExchange(topic); // the service declares the same (durable topic); declaring first keeps no event from being dropped
        Queue queue = new Queue(name, true, false, false);
        admin.declareQueue(queue);
        admin.declareBinding(BindingBuilder.bind(queue).to(topic).with("#"));
        queues.add(name);
    }

    /** Publishes {@code data} as event {@code type} on its producer's exchange, as the producer does; the envelope's id. */
    String publish(String type, UUID tenant, String subject, Map<String, ?> data) {
        JsonNode node = envelope(type, tenant, subject, data);
        publishAgain(node);
        last.set(node);
        return node.path("id").asString();
    }

    /** A new event's envelope as its producer writes it: a fresh id, the type, the producer, now, priority 5. */
    static JsonNode envelope(String type, UUID tenant, String subject, Map<String, ?> data) {
        Map<String, Object> envelope = new java.util.LinkedHashMap<>();
        envelope.put("id", UUID.randomUUID().toString());
        envelope.put("type", type);
        envelope.put("source", type.substring(0, type.indexOf('.')) + "-service");
        envelope.put("time", java.time.Instant.now().toString());
        envelope.put("tenantId", tenant.toString());
        envelope.put("subject", subject);
        envelope.put("priority", 5);
        envelope.put("data", data);
        return JSON.valueToTree(envelope);
    }

    /** The envelope this thread published last (to deliver it again). */
    JsonNode lastPublished() {
        return last.get();
    }

    /** Publishes an envelope (again: a redelivery keeps its id) on its producer's exchange under its type's routing key. */
    void publishAgain(JsonNode envelope) {
        String type = envelope.path("type").asString();
        String domain = type.substring(0, type.indexOf('.'));
        org.springframework.amqp.core.MessageProperties props = new org.springframework.amqp.core.MessageProperties();
        props.setContentType("application/json");
        rabbit.send("kefu." + domain, type.substring(domain.length() + 1), new Message(JSON.writeValueAsBytes(envelope), props));
    }

    /** Every envelope the test's queues have received so far (each delivery once). */
    synchronized List<JsonNode> received() {
        for (String queue : queues) {
            Message message;
            while ((message = rabbit.receive(queue)) != null) {
                received.add(JSON.readTree(message.getBody()));
            }
        }
        return List.copyOf(received);
    }

    @Override
    public void close() {
        queues.forEach(admin::deleteQueue);
        connections.destroy();
    }

    /**
     * The settings of a service started for a fault test: RabbitMQ reached through {@code broker} (the proxy the test
     * cuts), tokens from the test issuer, an executor port and a job-lock name of this run's own (job locks live in
     * the shared Redis under the application name, so another process of the service on the machine runs none of
     * this one's jobs).
     */
    static Map<String, String> settingsThrough(io.kefu.testsupport.TcpProxy broker, String module) throws java.io.IOException {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("spring.rabbitmq.host", "127.0.0.1");
        settings.put("spring.rabbitmq.port", String.valueOf(broker.port()));
        settings.put("kefu.security.jwk-set-uri", io.kefu.testsupport.TestTokens.jwkSetUri());
        settings.put("kefu.jobs.executor-port", String.valueOf(freePort()));
        settings.put("spring.application.name", module + "-e2e-" + UUID.randomUUID().toString().substring(0, 8));
        return settings;
    }

    /** Polls {@code condition} every 200 ms until it holds, failing after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(200);
        }
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
