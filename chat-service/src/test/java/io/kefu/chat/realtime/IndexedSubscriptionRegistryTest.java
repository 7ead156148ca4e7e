package io.kefu.chat.realtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.broker.DefaultSubscriptionRegistry;
import org.springframework.messaging.simp.broker.SubscriptionRegistry;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The indexed registry gives the broker the same subscribers as Spring's own, for every destination. */
class IndexedSubscriptionRegistryTest {

    static Message<byte[]> frame(SimpMessageType type, String session, String subscription, String destination) {
        SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(type);
        headers.setSessionId(session);
        headers.setSubscriptionId(subscription);
        headers.setDestination(destination);
        return MessageBuilder.createMessage(new byte[0], headers.getMessageHeaders());
    }

    static void subscribe(SubscriptionRegistry registry, String session, String subscription, String destination) {
        registry.registerSubscription(frame(SimpMessageType.SUBSCRIBE, session, subscription, destination));
    }

    static Map<String, TreeSet<String>> find(SubscriptionRegistry registry, String destination) {
        MultiValueMap<String, String> found = registry.findSubscriptions(frame(SimpMessageType.MESSAGE, "sender", "", destination));
        Map<String, TreeSet<String>> sorted = new TreeMap<>();
        found.forEach((session, ids) -> sorted.put(session, new TreeSet<>(ids)));
        return sorted;
    }

    @Test
    void aUsersQueueFindsOnlyItsOwnSession() {
        IndexedSubscriptionRegistry registry = new IndexedSubscriptionRegistry();
        for (int s = 0; s < 1_000; s++) {
            subscribe(registry, "s" + s, "acks", "/queue/acks-user" + s);
            subscribe(registry, "s" + s, "messages", "/queue/messages-user" + s);
        }
        assertThat(find(registry, "/queue/acks-user7")).containsExactly(Map.entry("s7", new TreeSet<>(List.of("acks"))));
        assertThat(find(registry, "/queue/acks-user1000")).isEmpty();
        assertThat(registry.size()).isEqualTo(2_000);
    }

    @Test
    void unsubscribingAndDisconnectingForgetTheSubscriptions() {
        IndexedSubscriptionRegistry registry = new IndexedSubscriptionRegistry();
        subscribe(registry, "a", "1", "/topic/t");
        subscribe(registry, "a", "2", "/topic/*");
        subscribe(registry, "b", "1", "/topic/t");
        registry.unregisterSubscription(frame(SimpMessageType.UNSUBSCRIBE, "a", "1", "/topic/t"));
        assertThat(find(registry, "/topic/t")).containsOnlyKeys("a", "b").containsEntry("a", new TreeSet<>(List.of("2")));
        registry.unregisterAllSubscriptions("a");
        assertThat(find(registry, "/topic/t")).containsOnlyKeys("b");
        registry.unregisterAllSubscriptions("b");
        assertThat(find(registry, "/topic/t")).isEmpty();
        assertThat(registry.size()).isZero();
    }

    /**
     * Random subscribes (exact and patterns), unsubscribes and disconnects: every look-up agrees with Spring's. A
     * SUBSCRIBE reusing an id its session holds is left out here: Spring's registry keeps the first subscription in
     * the session but adds the second to a destination it has cached, so its answer depends on its cache
     * (the next test says what this one does).
     */
    @Test
    void answersAsSpringsRegistryDoesWhateverTheSequence() {
        Random random = new Random(42);
        List<String> destinations = List.of("/queue/acks-user1", "/queue/acks-user2", "/topic/a", "/topic/b", "/topic/a/b");
        List<String> patterns = List.of("/topic/*", "/topic/**", "/queue/acks-user?", "/topic/{x}");
        for (int round = 0; round < 50; round++) {
            DefaultSubscriptionRegistry spring = new DefaultSubscriptionRegistry();
            IndexedSubscriptionRegistry indexed = new IndexedSubscriptionRegistry();
            List<SubscriptionRegistry> both = List.of(spring, indexed);
            List<String> checked = new ArrayList<>(destinations);
            Map<String, java.util.Set<String>> held = new java.util.HashMap<>();
            for (int step = 0; step < 400; step++) {
                String session = "s" + random.nextInt(6);
                String id = "sub" + random.nextInt(4);
                int op = random.nextInt(10);
                if (op < 6) {
                    if (!held.computeIfAbsent(session, k -> new java.util.HashSet<>()).add(id)) {
                        continue;
                    }
                    String destination = random.nextInt(4) == 0 ? patterns.get(random.nextInt(patterns.size()))
                            : destinations.get(random.nextInt(destinations.size()));
                    both.forEach(r -> subscribe(r, session, id, destination));
                } else if (op < 9) {
                    held.getOrDefault(session, new java.util.HashSet<>()).remove(id);
                    both.forEach(r -> r.unregisterSubscription(frame(SimpMessageType.UNSUBSCRIBE, session, id, "")));
                } else {
                    held.remove(session);
                    both.forEach(r -> r.unregisterAllSubscriptions(session));
                }
                for (String destination : checked) {
                    assertThat(find(indexed, destination)).as("round %d step %d %s", round, step, destination).isEqualTo(find(spring, destination));
                }
            }
        }
    }

    @Test
    void aSubscribeReusingAnIdKeepsTheFirstSubscription() {
        IndexedSubscriptionRegistry registry = new IndexedSubscriptionRegistry();
        subscribe(registry, "a", "1", "/topic/first");
        subscribe(registry, "a", "1", "/topic/second");
        assertThat(find(registry, "/topic/first")).containsOnlyKeys("a");
        assertThat(find(registry, "/topic/second")).isEmpty();
        registry.unregisterSubscription(frame(SimpMessageType.UNSUBSCRIBE, "a", "1", ""));
        assertThat(find(registry, "/topic/first")).isEmpty();
    }
}
