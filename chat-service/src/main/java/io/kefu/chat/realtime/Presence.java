package io.kefu.chat.realtime;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.kefu.chat.realtime.PresenceLedger.Transition;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.security.KefuPrincipal;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.messaging.SessionConnectedEvent;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

/**
 * Who is connected, across instances, announced as {@code chat.presence.changed.v1} on a user's first
 * session and when their last one is gone. In Redis, per user: a sorted set of their STOMP sessions
 * scored by when each stops counting (refreshed while the session lives, so a dead instance's sessions
 * lapse) and a hash with their announced state, type and tenant; and one index of the users to look at
 * again, scored by when (their latest session's expiry, or when an unconfirmed claim may be taken over),
 * so that the sweep never scans keys.
 * <p>
 * Every change (connect, refresh, close, sweep) is made by one Lua script, so instances never disagree on
 * whether a user went online or offline: the script that flips the state claims the announcement. (The
 * refresh makes the changes of a few hundred sessions in one script call, each as a connect would.)
 * The claim is confirmed in Redis only after the announcement committed to the outbox
 * ({@link PresenceLedger}); a claim left unconfirmed (publishing failed, or the instance died in
 * between) is taken over by a sweep after {@code presence-claim-lease}. Announcing after the claim can
 * thus happen twice; the ledger's row per user turns that into once and drops a transition that commits
 * after a newer one. Redis must be a single node or primary (the scripts use several keys; not Cluster).
 */
@Component
class Presence implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(Presence.class);
    private static final int SWEEP_BATCH = 500;

    /**
     * One change to one user: {@code sessions} their sessions, {@code user} their hash, {@code index} the index;
     * {@code id} the user id, {@code add} a session to add or '', {@code ttl} the session TTL (ms), {@code utype}
     * user type, {@code tenant} tenant or '', {@code remove} a session to remove or '', {@code confirm} a version
     * whose announcement is confirmed or '', {@code lease} the claim lease (ms). Times are Redis's, so instances'
     * clocks need not agree. Returns nil, or the claimed transition: {version, online '1'/'0', type, tenant,
     * changed at (ms)}. Shared by {@link #SETTLE} and {@link #KEEP}, so that both change a user the same way.
     */
    private static final String SETTLE_FUNCTION = """
            local function ms(n) return string.format('%.0f', n) end
            local function settle(sessions, user, index, id, add, ttl, utype, tenant, remove, confirm, lease)
              local t = redis.call('TIME')
              local micros = tonumber(t[1]) * 1000000 + tonumber(t[2])
              local now = math.floor(micros / 1000)
              if confirm ~= '' and redis.call('HGET', user, 'pending') == confirm then
                redis.call('HDEL', user, 'pending', 'retry')
              end
              if remove ~= '' then redis.call('ZREM', sessions, remove) end
              redis.call('ZREMRANGEBYSCORE', sessions, '-inf', now)
              if add ~= '' then
                redis.call('ZADD', sessions, ms(now + tonumber(ttl)), add)
                redis.call('PEXPIRE', sessions, ms(2 * tonumber(ttl)))
                redis.call('HSET', user, 'type', utype, 'tenant', tenant)
              end
              local latest = redis.call('ZRANGE', sessions, -1, -1, 'WITHSCORES')
              local live = #latest > 0
              local claimed = false
              if live ~= (redis.call('HGET', user, 'online') == '1') then
                -- A transition, numbered by Redis's clock and above the user's last one, so that the ledger
                -- tells an older transition from a newer one (also after this hash was deleted).
                local version = ms(math.max(micros, (tonumber(redis.call('HGET', user, 'version')) or 0) + 1))
                redis.call('HSET', user, 'online', live and '1' or '0', 'version', version, 'pending', version, 'changed', ms(now),
                  'retry', ms(now + tonumber(lease)))
                claimed = true
              else
                local retry = tonumber(redis.call('HGET', user, 'retry'))
                if retry and retry <= now then
                  -- Claimed before and never confirmed: its instance died or publishing failed. Taken over.
                  redis.call('HSET', user, 'retry', ms(now + tonumber(lease)))
                  claimed = true
                end
              end
              local due = live and tonumber(latest[2]) or nil
              local retry = tonumber(redis.call('HGET', user, 'retry'))
              if retry and (due == nil or retry < due) then due = retry end
              if due then
                redis.call('ZADD', index, ms(due), id)
              else
                -- Offline, and announced so: nothing left to look at.
                redis.call('ZREM', index, id)
                redis.call('DEL', user)
              end
              if not claimed then return nil end
              local h = redis.call('HMGET', user, 'pending', 'online', 'type', 'tenant', 'changed')
              return {h[1], h[2], h[3] or '', h[4] or '', h[5]}
            end
            """;

    /**
     * One change. KEYS: 1 the user's sessions, 2 the user, 3 the index. ARGV: 1 user id, 2 session to add or '',
     * 3 the session TTL (ms), 4 user type, 5 tenant or '', 6 session to remove or '', 7 version whose
     * announcement is confirmed or '', 8 claim lease (ms). Returns what {@link #SETTLE_FUNCTION} does.
     */
    private static final String SETTLE = SETTLE_FUNCTION + """
            return settle(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])""";

    /**
     * The refresh of many sessions in one call: for each, the change {@link #SETTLE} makes when it adds a
     * session, in order. KEYS: 1 the index, then per session its user's sessions and user. ARGV: 1 the session
     * TTL (ms), 2 claim lease (ms), then per session user id, session, user type, tenant or ''. Returns, flat,
     * for each session whose change claimed a transition: its position (1-based) and the five fields of the claim.
     */
    private static final String KEEP = SETTLE_FUNCTION + """
            local claims = {}
            for i = 1, (#KEYS - 1) / 2 do
              local a = 3 + 4 * (i - 1)
              local claim = settle(KEYS[2 * i], KEYS[2 * i + 1], KEYS[1], ARGV[a], ARGV[a + 1], ARGV[1], ARGV[a + 2], ARGV[a + 3],
                '', '', ARGV[2])
              if claim then
                table.insert(claims, tostring(i))
                for _, field in ipairs(claim) do table.insert(claims, field) end
              end
            end
            return claims""";

    /** Sessions refreshed per script call: a few hundred keep one call short (Redis runs nothing else meanwhile). */
    static final int REFRESH_BATCH = 200;

    private final RedissonClient redisson;
    private final PresenceLedger ledger;
    private final LiveProperties<RealtimeProperties> properties;
    private final Clock clock;
    private final String keys;
    /** This instance's sessions: session id → user. */
    private final Map<String, KefuPrincipal> local = new ConcurrentHashMap<>();
    private volatile boolean halted;

    private final ObservationRegistry observations;

    Presence(RedissonClient redisson, PresenceLedger ledger, LiveProperties<RealtimeProperties> properties, Clock clock,
            ObjectProvider<ObservationRegistry> observations) {
        this.observations = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
        this.redisson = redisson;
        this.ledger = ledger;
        this.properties = properties;
        this.clock = clock;
        this.keys = properties.get().presenceKeys(); // at start: every instance must agree on them
    }

    @EventListener
    void connected(SessionConnectedEvent event) {
        String session = SimpMessageHeaderAccessor.getSessionId(event.getMessage().getHeaders());
        if (halted || session == null || !(event.getUser() instanceof StompUser user)) {
            return;
        }
        local.put(session, user.principal());
        // In a span of its own: the chat.presence.changed.v1 it may publish carries this trace.
        Observation.createNotStarted("kefu.stomp.session", observations).contextualName("STOMP CONNECTED")
                .lowCardinalityKeyValue("event", "connected").observe(() -> keep(session, user.principal()));
    }

    @EventListener
    void disconnected(SessionDisconnectEvent event) {
        KefuPrincipal user = local.remove(event.getSessionId());
        if (user != null && !halted) {
            Observation.createNotStarted("kefu.stomp.session", observations).contextualName("STOMP DISCONNECT")
                    .lowCardinalityKeyValue("event", "disconnected")
                    .observe(() -> settleQuietly(user.userId(), null, "", event.getSessionId()));
        }
    }

    /**
     * Keeps this instance's sessions counting; a session a sweep dropped (this instance stalled) counts again.
     * {@value #REFRESH_BATCH} sessions a script call ({@link #KEEP}), so a pass over 10,000 sessions is some fifty
     * round trips to Redis, not 10,000; a transition one of them claimed is announced after its call.
     */
    void refresh() {
        if (halted || local.isEmpty()) {
            return;
        }
        // One span a pass: the announcements it makes (a session a sweep dropped, online again) carry its trace.
        Observation.createNotStarted("kefu.presence.refresh", observations).contextualName("presence refresh").observe(() -> {
            List<Map.Entry<String, KefuPrincipal>> batch = new ArrayList<>(REFRESH_BATCH);
            int done = 0;
            // Taken from the live map batch by batch, so that a session closed during the pass is not added again.
            for (Map.Entry<String, KefuPrincipal> session : local.entrySet()) {
                batch.add(Map.entry(session.getKey(), session.getValue()));
                if (batch.size() == REFRESH_BATCH) {
                    if (!keepQuietly(batch, done)) {
                        return;
                    }
                    done += batch.size();
                    batch.clear();
                }
            }
            keepQuietly(batch, done);
        });
    }

    /** Refreshes a batch of sessions and announces what that claimed; false when Redis failed or presence halted: stop the pass. */
    private boolean keepQuietly(List<Map.Entry<String, KefuPrincipal>> batch, int done) { // done: for the log
        if (batch.isEmpty() || halted) {
            return !halted;
        }
        List<Transition> claims;
        try {
            claims = keepAll(batch);
        } catch (RuntimeException e) {
            // Redis unreachable, most likely: the rest would fail the same way. The next pass adds them again.
            log.warn("Presence refresh stopped after {} sessions, the others wait for the next pass: {}", done, e.toString());
            return false;
        }
        if (halted) {
            return false;
        }
        for (Map.Entry<String, KefuPrincipal> session : batch) {
            if (!local.containsKey(session.getKey())) {
                // Closed meanwhile, maybe before this add reached Redis: take it out again, before announcing what the
                // add claimed, so that the ledger drops that "online" as older than this "offline" instead of a flap.
                settleQuietly(session.getValue().userId(), null, "", session.getKey());
            }
        }
        for (Transition claim : claims) {
            announceQuietly(claim);
        }
        return true;
    }

    /**
     * Settles the users the index says are due: sessions all lapsed (their instance died without closing
     * them) or a claim left unconfirmed. Every instance sweeps; the script lets one of them claim each.
     * Due by this instance's clock: a user picked a little early or late costs a call, the script decides.
     */
    void sweep() {
        if (halted) {
            return;
        }
        for (String user : redisson.<String>getScoredSortedSet(indexKey(), StringCodec.INSTANCE)
                .valueRange(Double.NEGATIVE_INFINITY, true, clock.millis(), true, 0, SWEEP_BATCH)) {
            settleQuietly(UUID.fromString(user), null, "", "");
        }
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addTriggerTask(this::refresh, new Every(() -> properties.get().presenceRefresh()));
        registrar.addTriggerTask(this::sweep, new Every(() -> properties.get().presenceSweep()));
    }

    /** Stops this instance's presence work without closing anything: what a crash looks like to the others. For tests. */
    void halt() {
        halted = true;
        local.clear();
    }

    /** What an instance that died between claiming and announcing leaves behind: a claimed, unannounced transition. For tests. */
    @Nullable Transition claimWithoutAnnouncing(KefuPrincipal user, String session) {
        return eval(user.userId(), user, session, "", "");
    }

    /**
     * What a sweep does to a session of this instance that lapsed while the instance stalled: drops it (its user goes
     * offline if it was their last). The session stays this instance's, so the next refresh adds it again. For tests.
     */
    void lapse(KefuPrincipal user, String session) {
        settle(user.userId(), null, "", session);
    }

    /** Whether anything may still be announced for this user: they have sessions, or a claim is unconfirmed. */
    boolean watches(UUID userId) {
        return redisson.getScoredSortedSet(indexKey(), StringCodec.INSTANCE).contains(userId.toString());
    }

    private void keep(String session, KefuPrincipal user) {
        settleQuietly(user.userId(), user, session, "");
        if (!local.containsKey(session)) {
            // Closed meanwhile, maybe before this add reached Redis: take it out again.
            settleQuietly(user.userId(), null, "", session);
        }
    }

    private void settleQuietly(UUID userId, @Nullable KefuPrincipal adding, String add, String remove) {
        try {
            settle(userId, adding, add, remove);
        } catch (RuntimeException e) {
            // Left to the refresh (an add) or the sweep (a lapse, an unconfirmed claim).
            log.warn("Presence of user {} not settled: {}", userId, e.toString());
        }
    }

    /** One change, then the announcement of a transition it claimed, confirmed; confirming may claim the next. */
    private void settle(UUID userId, @Nullable KefuPrincipal adding, String add, String remove) {
        announce(eval(userId, adding, add, remove, ""));
    }

    private void announceQuietly(Transition claim) {
        try {
            announce(claim);
        } catch (RuntimeException e) {
            // Left to the sweep, which takes the claim over after its lease.
            log.warn("Presence of user {} not announced: {}", claim.userId(), e.toString());
        }
    }

    /** Announces a claimed transition and confirms it; confirming may claim the next. */
    private void announce(@Nullable Transition claim) {
        for (int i = 0; claim != null && i < 3; i++) { // a user flapping faster than this is left to the sweep
            ledger.announce(claim);
            claim = eval(claim.userId(), null, "", "", Long.toString(claim.version()));
        }
    }

    /** {@link #KEEP} for these sessions: the transitions it claimed, in the sessions' order. */
    private List<Transition> keepAll(List<Map.Entry<String, KefuPrincipal>> sessions) {
        RealtimeProperties p = properties.get();
        List<Object> scriptKeys = new ArrayList<>(1 + 2 * sessions.size());
        List<Object> args = new ArrayList<>(2 + 4 * sessions.size());
        scriptKeys.add(indexKey());
        args.add(String.valueOf(p.presenceTtl().toMillis()));
        args.add(String.valueOf(p.presenceClaimLease().toMillis()));
        for (Map.Entry<String, KefuPrincipal> session : sessions) {
            KefuPrincipal user = session.getValue();
            scriptKeys.add(keys + ":" + user.userId());
            scriptKeys.add(keys + ":user:" + user.userId());
            args.add(user.userId().toString());
            args.add(session.getKey());
            args.add(user.type());
            args.add(user.tenantId() == null ? "" : user.tenantId().toString());
        }
        List<Object> flat = redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, KEEP, RScript.ReturnType.LIST,
                scriptKeys, args.toArray());
        List<Transition> claims = new ArrayList<>();
        for (int i = 0; flat != null && i + 5 < flat.size(); i += 6) {
            UUID userId = sessions.get(Integer.parseInt(String.valueOf(flat.get(i))) - 1).getValue().userId();
            claims.add(transition(userId, flat.subList(i + 1, i + 6)));
        }
        return claims;
    }

    private @Nullable Transition eval(UUID userId, @Nullable KefuPrincipal adding, String add, String remove, String confirm) {
        RealtimeProperties p = properties.get();
        List<Object> claim = redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, SETTLE, RScript.ReturnType.LIST,
                List.of(keys + ":" + userId, keys + ":user:" + userId, indexKey()), userId.toString(), add,
                String.valueOf(p.presenceTtl().toMillis()), adding == null ? "" : adding.type(),
                adding == null || adding.tenantId() == null ? "" : adding.tenantId().toString(), remove, confirm,
                String.valueOf(p.presenceClaimLease().toMillis()));
        return claim == null || claim.size() < 5 ? null : transition(userId, claim);
    }

    /** A claim as the scripts return it: version, online '1'/'0', type, tenant or '', changed at (ms). */
    private static Transition transition(UUID userId, List<Object> claim) {
        String tenant = String.valueOf(claim.get(3));
        return new Transition(userId, Long.parseLong(String.valueOf(claim.get(0))), "1".equals(claim.get(1)), String.valueOf(claim.get(2)),
                tenant.isEmpty() ? null : UUID.fromString(tenant), Instant.ofEpochMilli(Long.parseLong(String.valueOf(claim.get(4)))));
    }

    private String indexKey() {
        return keys + ":index";
    }
}
