package io.kefu.stats.dashboard;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.kefu.stats.metric.Agents;
import io.kefu.stats.metric.ChangedFacts;
import io.kefu.stats.metric.FactsChanged;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RBatch;
import org.redisson.api.RMap;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RScoredSortedSetAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The live counters in Redis, shared by every instance: who waits for a human now (a sorted set
 * scored by when they started waiting) and each agent's status (a hash). Updated after the ingest
 * transaction commits, from the committed state rather than by increments, so a redelivered event
 * sets the same values; then every instance is told (topic) that the tenant's figures changed.
 * Should Redis lose them, {@link #rebuild} sets them again from PostgreSQL (on a cold read and at each daily close).
 */
@Component
class LiveBoard {

    static final String TOPIC = "kefu:stats:changed";

    record Gauges(long waitingNow, @Nullable Long longestWaitSeconds, long online, long busy, long offline) {
    }

    private final RedissonClient redis;
    private final Agents agents;
    private final LiveRebuild rebuild;

    LiveBoard(RedissonClient redis, Agents agents, LiveRebuild rebuild) {
        this.redis = redis;
        this.agents = agents;
        this.rebuild = rebuild;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void changed(FactsChanged change) {
        changed(new ChangedFacts(List.of(change)));
    }

    /** A batch's changes: one Redis pipeline (sets, hashes, then one topic message per tenant), not a round trip per change. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void changed(ChangedFacts all) {
        if (all.changes().isEmpty()) {
            return;
        }
        RBatch batch = redis.createBatch();
        Set<UUID> tenants = new LinkedHashSet<>();
        for (FactsChanged change : all.changes()) {
            if (change.conversationId() != null) {
                RScoredSortedSetAsync<String> waiting = batch.getScoredSortedSet(key(change.tenantId(), "waiting"), StringCodec.INSTANCE);
                if (change.waitingSince() != null) {
                    waiting.addAsync(change.waitingSince().toEpochMilli(), change.conversationId().toString());
                } else {
                    waiting.removeAsync(change.conversationId().toString());
                }
            }
            if (change.staffId() != null && change.agentStatus() != null) {
                batch.<String, String>getMap(key(change.tenantId(), "agents"), StringCodec.INSTANCE).fastPutAsync(change.staffId().toString(),
                        change.agentStatus());
            }
            tenants.add(change.tenantId());
        }
        tenants.forEach(tenant -> batch.getTopic(TOPIC, StringCodec.INSTANCE).publishAsync(tenant.toString()));
        batch.execute();
    }

    Gauges gauges(UUID tenant, Instant now) {
        if (!redis.getBucket(key(tenant, "built"), StringCodec.INSTANCE).isExists()) {
            rebuild(tenant);
        }
        RScoredSortedSet<String> waiting = waiting(tenant);
        Double oldest = waiting.firstScore();
        Collection<String> all = statuses(tenant).readAllValues();
        return new Gauges(waiting.size(), oldest == null ? null : Math.max(0, (now.toEpochMilli() - oldest.longValue()) / 1000),
                all.stream().filter("online"::equals).count(), all.stream().filter("busy"::equals).count(),
                all.stream().filter(s -> !"online".equals(s) && !"busy".equals(s)).count());
    }

    /** Sets the tenant's live counters from PostgreSQL. */
    void rebuild(UUID tenant) {
        RScoredSortedSet<String> waiting = waiting(tenant);
        Map<String, Instant> now = rebuild.waiting(tenant);
        waiting.delete();
        now.forEach((conversation, since) -> waiting.add(since.toEpochMilli(), conversation));
        RMap<String, String> statuses = statuses(tenant);
        statuses.delete();
        agents.ofTenant(tenant).stream().filter(a -> a.status() != null).forEach(a -> statuses.fastPut(a.staffId().toString(), a.status()));
        redis.getBucket(key(tenant, "built"), StringCodec.INSTANCE).set("1");
    }

    private RScoredSortedSet<String> waiting(UUID tenant) {
        return redis.getScoredSortedSet(key(tenant, "waiting"), StringCodec.INSTANCE);
    }

    private RMap<String, String> statuses(UUID tenant) {
        return redis.getMap(key(tenant, "agents"), StringCodec.INSTANCE);
    }

    private static String key(UUID tenant, String what) {
        return "kefu:stats:" + tenant + ":" + what;
    }
}
