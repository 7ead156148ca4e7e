package io.kefu.chat.realtime;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.messaging.Message;
import org.springframework.messaging.simp.broker.AbstractSubscriptionRegistry;
import org.springframework.util.AntPathMatcher;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.util.PathMatcher;

/**
 * The simple broker's subscriptions, indexed by destination: a frame to one user's queue finds its
 * subscriber in one look-up, however many sessions the instance holds.
 *
 * <p>Why not Spring's {@code DefaultSubscriptionRegistry}: it finds a destination's subscribers in a cache
 * filled on look-up, and a destination not in it yet is found by going through every subscription of every
 * session. Each session has destinations of its own ({@code /user/queue/acks} becomes
 * {@code /queue/acks-user<session>}), so the first frame to each of them scans them all: with 10,500 sessions
 * (52,000 subscriptions) the customers' first messages kept both cores scanning, heart-beats stopped going
 * out, and every session was dropped (deploy README, "Sockets").
 *
 * <p>Same answers as Spring's for what chat uses: a destination matches a subscription to the same
 * destination, or to an Ant-style pattern that matches it; a session's second SUBSCRIBE with an id it
 * already uses is ignored. Selector headers are not supported (chat does not enable them).
 */
final class IndexedSubscriptionRegistry extends AbstractSubscriptionRegistry {

    private final PathMatcher matcher = new AntPathMatcher();
    /** destination → session → its subscription ids to it (exact destinations only). */
    private final Map<String, Map<String, Set<String>>> byDestination = new ConcurrentHashMap<>();
    /** session → subscription id → pattern (destinations with wildcards; none in chat's own use). */
    private final Map<String, Map<String, String>> patterns = new ConcurrentHashMap<>();
    /** session → subscription id → destination, to remove them. */
    private final Map<String, Map<String, String>> bySession = new ConcurrentHashMap<>();

    @Override
    protected void addSubscriptionInternal(String sessionId, String subscriptionId, String destination, Message<?> message) {
        Map<String, String> own = bySession.computeIfAbsent(sessionId, k -> new ConcurrentHashMap<>());
        if (own.putIfAbsent(subscriptionId, destination) != null) {
            return; // the id is taken: the first subscription stays, as with Spring's registry
        }
        if (matcher.isPattern(destination)) {
            patterns.computeIfAbsent(sessionId, k -> new ConcurrentHashMap<>()).put(subscriptionId, destination);
        } else {
            byDestination.compute(destination, (d, sessions) -> {
                Map<String, Set<String>> all = sessions != null ? sessions : new ConcurrentHashMap<>();
                all.computeIfAbsent(sessionId, k -> ConcurrentHashMap.newKeySet()).add(subscriptionId);
                return all;
            });
        }
    }

    @Override
    protected void removeSubscriptionInternal(String sessionId, String subscriptionId, Message<?> message) {
        Map<String, String> own = bySession.get(sessionId);
        String destination = own == null ? null : own.remove(subscriptionId);
        if (destination != null) {
            forget(sessionId, subscriptionId, destination);
        }
    }

    @Override
    public void unregisterAllSubscriptions(String sessionId) {
        Map<String, String> own = bySession.remove(sessionId);
        if (own != null) {
            own.forEach((subscriptionId, destination) -> forget(sessionId, subscriptionId, destination));
        }
        patterns.remove(sessionId);
    }

    private void forget(String sessionId, String subscriptionId, String destination) {
        if (matcher.isPattern(destination)) {
            patterns.computeIfPresent(sessionId, (s, own) -> {
                own.remove(subscriptionId);
                return own.isEmpty() ? null : own;
            });
            return;
        }
        byDestination.computeIfPresent(destination, (d, sessions) -> {
            sessions.computeIfPresent(sessionId, (s, ids) -> {
                ids.remove(subscriptionId);
                return ids.isEmpty() ? null : ids;
            });
            return sessions.isEmpty() ? null : sessions;
        });
    }

    @Override
    protected MultiValueMap<String, String> findSubscriptionsInternal(String destination, Message<?> message) {
        MultiValueMap<String, String> found = new LinkedMultiValueMap<>();
        Map<String, Set<String>> exact = byDestination.get(destination);
        if (exact != null) {
            exact.forEach((sessionId, ids) -> ids.forEach(id -> found.add(sessionId, id)));
        }
        patterns.forEach((sessionId, own) -> own.forEach((id, pattern) -> {
            if (matcher.match(pattern, destination)) {
                found.add(sessionId, id);
            }
        }));
        return found;
    }

    /** Subscriptions held (for tests). */
    int size() {
        return bySession.values().stream().mapToInt(Map::size).sum();
    }
}
