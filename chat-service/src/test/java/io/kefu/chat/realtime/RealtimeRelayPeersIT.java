package io.kefu.chat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.chat.ChatItSupport;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Live frames go through RabbitMQ only while another instance is there to take them: a lone instance
 * relays nothing (only its beacons reach the exchange); once a second one said hello, both relay.
 * Two instances of their own, on an exchange of their own, so that this test's context and other
 * tests' instances are not their peers.
 */
class RealtimeRelayPeersIT extends ChatItSupport {

    static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    ConnectionFactory connectionFactory;

    @Test
    void aLoneInstanceRelaysNothingAndTwoInstancesRelayToEachOther() throws Exception {
        String exchange = "kefu.chat.realtime.test-" + UUID.randomUUID();
        Map<String, Object> settings = Map.of("kefu.chat.realtime.relay-exchange", exchange);
        RabbitAdmin admin = new RabbitAdmin(connectionFactory);
        // Not auto-deleted: the template's receive cancels its consumer each time.
        Queue probe = new Queue("realtime-probe-" + UUID.randomUUID(), false, false, false);
        admin.declareExchange(new FanoutExchange(exchange, true, false));
        admin.declareQueue(probe);
        admin.declareBinding(BindingBuilder.bind(probe).to(new FanoutExchange(exchange)));
        RabbitTemplate rabbit = new RabbitTemplate(connectionFactory);
        try (ConfigurableApplicationContext first = startAlone(settings)) {
            RealtimeRelay relay = first.getBean(RealtimeRelay.class);
            assertThat(relay.hasPeers()).as("no other instance on its exchange").isFalse();

            relay.toUsers(List.of(UUID.randomUUID().toString()), "/queue/messages", Map.of("content", "alone"));
            List<Message> alone = drain(rabbit, probe.getName(), m -> beacon(m) != null && "hello".equals(beacon(m)));
            assertThat(alone).as("the lone instance's hello reached the exchange, and nothing but beacons").isNotEmpty()
                    .allSatisfy(m -> assertThat(beacon(m)).isNotNull());

            try (ConfigurableApplicationContext second = startInstance(settings)) {
                assertThat(second.getBean(RealtimeRelay.class).hasPeers()).as("the newcomer heard the first answer its hello").isTrue();
                assertThat(relay.hasPeers()).as("the first heard the newcomer's hello").isTrue();

                relay.toUsers(List.of(UUID.randomUUID().toString()), "/queue/messages", Map.of("content", "together"));
                List<Message> together = drain(rabbit, probe.getName(), m -> beacon(m) == null);
                assertThat(together).filteredOn(m -> beacon(m) == null).singleElement()
                        .satisfies(m -> assertThat(new String(m.getBody(), java.nio.charset.StandardCharsets.UTF_8)).contains("together"));
            }
        } finally {
            admin.deleteQueue(probe.getName());
            admin.deleteExchange(exchange);
        }
    }

    private static String beacon(Message m) {
        return m.getMessageProperties().getHeader("kefu-beacon");
    }

    /** What reached the probe until {@code until} matched one (or {@link #WAIT} passed), then a second more. */
    private static List<Message> drain(RabbitTemplate rabbit, String queue, java.util.function.Predicate<Message> until) throws InterruptedException {
        List<Message> seen = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        long quietUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, quietUntil)) {
            Message m = rabbit.receive(queue, 100);
            if (m != null) {
                seen.add(m);
                if (quietUntil == Long.MAX_VALUE && until.test(m)) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        return seen;
    }
}
