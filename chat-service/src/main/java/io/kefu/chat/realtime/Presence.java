package io.kefu.chat.realtime;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.kefu.chat.events.PresenceChanged;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.security.KefuPrincipal;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.socket.messaging.SessionConnectedEvent;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

/**
 * Who is connected, across instances. Per user, in Redis: a sorted set of their STOMP sessions scored
 * by when each stops counting (refreshed while the session lives, so a dead instance's sessions lapse)
 * and a hash that says whether "online" was announced, with what the announcement needs. A sorted set
 * of users, scored by their latest session's expiry, lets a sweep find users whose sessions all lapsed.
 * <p>
 * Every transition is one Lua script, so concurrent connects and closes on several instances announce
 * a user online once and offline once: the script that takes the user from "announced" to "not" (or
 * back) is the only one told to publish {@code chat.presence.changed.v1}. If publishing then fails,
 * the marker is put back and the sweep (or the next connect) tries again. routing puts agents offline
 * after its grace period.
 */
@Component
class Presence {

    private static final Logger log = LoggerFactory.getLogger(Presence.class);
    static final String INDEX = "kefu:chat:presence:index";

    /** KEYS: sessions, user, index. ARGV: now, expiry, session, type, tenant, key lifetime ms, userId. 1: announce online. */
    private static final String CONNECT = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            redis.call('ZADD', KEYS[3], 'GT', ARGV[2], ARGV[7])
            local announced = redis.call('HGET', KEYS[2], 'online')
            redis.call('HSET', KEYS[2], 'type', ARGV[4], 'tenant', ARGV[5])
            if announced == '1' then return 0 end
            redis.call('HSET', KEYS[2], 'online', '1')
            return 1""";

    /**
     * KEYS: sessions, user, index. ARGV: now, session ('' for none), userId. Drops the session and lapsed
     * ones; when none is left and online was announced, claims the offline announcement: returns
     * {type, tenant}, else nil. Used by closes and by the sweep.
     */
    private static final String RELEASE = """
            if ARGV[2] ~= '' then redis.call('ZREM', KEYS[1], ARGV[2]) end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
            if #last > 0 then
              redis.call('ZADD', KEYS[3], last[2], ARGV[3])
              return nil
            end
            redis.call('ZREM', KEYS[3], ARGV[3])
            if redis.call('HGET', KEYS[2], 'online') ~= '1' then return nil end
            local who = redis.call('HMGET', KEYS[2], 'type', 'tenant')
            redis.call('DEL', KEYS[2])
            return who""";

    /** KEYS: sessions, index. ARGV: expiry, session, key lifetime ms, userId. Only sessions still there are extended. */
    private static final String REFRESH = """
            if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
              redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
              redis.call('ZADD', KEYS[2], 'GT', ARGV[1], ARGV[4])
            end
            return 0""";

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
        Instant now = clock.instant();
        Duration ttl = properties.get().presenceTtl();
        Long announce = script().eval(RScript.Mode.READ_WRITE, CONNECT, RScript.ReturnType.LONG,
                List.of(sessionsKey(user.userId()), userKey(user.userId()), INDEX), String.valueOf(now.toEpochMilli()),
                String.valueOf(now.plus(ttl).toEpochMilli()), session, user.type(), user.tenantId() == null ? "" : user.tenantId().toString(),
                String.valueOf(ttl.toMillis() * 2), user.userId().toString());
        if (announce != null && announce == 1) {
            try {
                publish(user.userId(), user.type(), user.tenantId(), true, now);
            } catch (RuntimeException e) {
                // Not announced after all: the user's next connect tries again.
                redisson.getMap(userKey(user.userId()), StringCodec.INSTANCE).fastRemove("online");
                throw e;
            }
        }
    }

    @EventListener
    void disconnected(SessionDisconnectEvent event) {
        KefuPrincipal user = local.remove(event.getSessionId());
        if (user != null) {
            release(user.userId(), event.getSessionId());
        }
    }

    /** Keeps this instance's sessions counting. */
    @Scheduled(fixedDelayString = "${kefu.chat.realtime.presence-refresh:30s}")
    void refresh() {
        Instant now = clock.instant();
        Duration ttl = properties.get().presenceTtl();
        local.forEach((session, user) -> script().eval(RScript.Mode.READ_WRITE, REFRESH, RScript.ReturnType.LONG,
                List.of(sessionsKey(user.userId()), INDEX), String.valueOf(now.plus(ttl).toEpochMilli()), session,
                String.valueOf(ttl.toMillis() * 2), user.userId().toString()));
    }

    /**
     * Users whose sessions all lapsed (their instance died without closing them) are announced offline,
     * once: every instance sweeps, the script lets one of them claim each user.
     */
    @Scheduled(fixedDelayString = "${kefu.chat.realtime.presence-sweep:15s}")
    void sweep() {
        long now = clock.millis();
        for (String user : redisson.<String>getScoredSortedSet(INDEX, StringCodec.INSTANCE).valueRange(Double.NEGATIVE_INFINITY, true, now, true,
                0, 500)) {
            try {
                release(UUID.fromString(user), "");
            } catch (RuntimeException e) {
                log.warn("Presence sweep could not settle user {}: {}", user, e.toString());
            }
        }
    }

    /** Forgets this instance's sessions without closing them: what a crash looks like to the others. For tests. */
    void forgetLocalSessions() {
        local.clear();
    }

    private void release(UUID userId, String session) {
        Instant now = clock.instant();
        List<Object> claimed = script().eval(RScript.Mode.READ_WRITE, RELEASE, RScript.ReturnType.LIST,
                List.of(sessionsKey(userId), userKey(userId), INDEX), String.valueOf(now.toEpochMilli()), session, userId.toString());
        if (claimed == null || claimed.size() < 2 || claimed.get(0) == null) {
            return;
        }
        String type = String.valueOf(claimed.get(0));
        String tenant = claimed.get(1) == null ? "" : String.valueOf(claimed.get(1));
        try {
            publish(userId, type, tenant.isEmpty() ? null : UUID.fromString(tenant), false, now);
        } catch (RuntimeException e) {
            // Put the claim back so that the sweep announces it later (the user is kept in the index as lapsed).
            redisson.getMap(userKey(userId), StringCodec.INSTANCE).putAll(Map.of("online", "1", "type", type, "tenant", tenant));
            redisson.getScoredSortedSet(INDEX, StringCodec.INSTANCE).add(now.toEpochMilli(), userId.toString());
            throw e;
        }
    }

    private void publish(UUID userId, String type, @Nullable UUID tenantId, boolean online, Instant at) {
        tx.executeWithoutResult(status -> events.publish(new PresenceChanged(userId, type, tenantId, online, online ? 1 : 0, at),
                tenantId == null ? null : tenantId.toString(), userId.toString(), 4));
    }

    private RScript script() {
        return redisson.getScript(StringCodec.INSTANCE);
    }

    private static String sessionsKey(UUID userId) {
        return "kefu:chat:presence:" + userId;
    }

    private static String userKey(UUID userId) {
        return "kefu:chat:presence:user:" + userId;
    }

    private static @Nullable KefuPrincipal user(@Nullable Principal principal) {
        return principal instanceof StompUser stompUser ? stompUser.principal() : null;
    }

    private static @Nullable String sessionId(org.springframework.messaging.MessageHeaders headers) {
        return (String) headers.get("simpSessionId");
    }
}
