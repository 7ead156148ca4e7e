package io.kefu.chat.realtime;

import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.kefu.chat.events.PresenceChanged;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.security.KefuPrincipal;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.socket.messaging.SessionConnectedEvent;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

/**
 * Who is connected, across instances: a Redis sorted set per user of their STOMP sessions, scored by
 * when each stops counting (refreshed while the session lives, so a dead instance's sessions lapse).
 * The first session of a user and the close of their last one are published as
 * {@code chat.presence.changed.v1}; routing puts agents offline after its grace period.
 */
@Component
class Presence {

    private final RedissonClient redisson;
    private final EventPublisher events;
    private final TransactionTemplate tx;
    private final LiveProperties<RealtimeProperties> properties;
    private final Clock clock;
    /** This instance's sessions: session id → user. */
    private final Map<String, KefuPrincipal> local = new ConcurrentHashMap<>();

    Presence(RedissonClient redisson, EventPublisher events, TransactionTemplate tx, LiveProperties<RealtimeProperties> properties,
            Clock clock) {
        this.redisson = redisson;
        this.events = events;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    @EventListener
    void connected(SessionConnectedEvent event) {
        KefuPrincipal user = user(event.getUser());
        String session = sessionId(event.getMessage().getHeaders());
        if (user == null || session == null) {
            return;
        }
        local.put(session, user);
        RScoredSortedSet<String> sessions = sessions(user.userId());
        Instant now = clock.instant();
        sessions.removeRangeByScore(Double.NEGATIVE_INFINITY, true, now.toEpochMilli(), true);
        boolean first = sessions.isEmpty();
        sessions.add(now.plus(properties.get().presenceTtl()).toEpochMilli(), session);
        sessions.expire(properties.get().presenceTtl().multipliedBy(2));
        if (first) {
            publish(user, true, 1, now);
        }
    }

    @EventListener
    void disconnected(SessionDisconnectEvent event) {
        KefuPrincipal user = local.remove(event.getSessionId());
        if (user == null) {
            return;
        }
        RScoredSortedSet<String> sessions = sessions(user.userId());
        Instant now = clock.instant();
        sessions.remove(event.getSessionId());
        sessions.removeRangeByScore(Double.NEGATIVE_INFINITY, true, now.toEpochMilli(), true);
        if (sessions.isEmpty()) {
            publish(user, false, 0, now);
        }
    }

    /** Keeps this instance's sessions counting. */
    @Scheduled(fixedDelayString = "${kefu.chat.realtime.presence-refresh:30s}")
    void refresh() {
        long until = clock.instant().plus(properties.get().presenceTtl()).toEpochMilli();
        local.forEach((session, user) -> {
            RScoredSortedSet<String> sessions = sessions(user.userId());
            sessions.add(until, session);
            sessions.expire(properties.get().presenceTtl().multipliedBy(2));
        });
    }

    private void publish(KefuPrincipal user, boolean online, int count, Instant at) {
        tx.executeWithoutResult(status -> events.publish(new PresenceChanged(user.userId(), user.type(), user.tenantId(), online, count, at),
                user.tenantId() == null ? null : user.tenantId().toString(), user.userId().toString(), 4));
    }

    private RScoredSortedSet<String> sessions(UUID userId) {
        return redisson.getScoredSortedSet("kefu:chat:presence:" + userId, StringCodec.INSTANCE);
    }

    private static KefuPrincipal user(Principal principal) {
        return principal instanceof StompUser stompUser ? stompUser.principal() : null;
    }

    private static String sessionId(org.springframework.messaging.MessageHeaders headers) {
        return (String) headers.get("simpSessionId");
    }
}
