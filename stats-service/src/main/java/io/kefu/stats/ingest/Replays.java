package io.kefu.stats.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.event.EventEnvelope;
import io.kefu.stats.metric.Conversations;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Recomputes a tenant's facts and measurements from its stored events, through the very handlers
 * live ingestion uses, in the order they were received. The rollups of its days are then re-made by
 * closing them again (the test compares both).
 */
@Component
public class Replays {

    private final StoredEvents stored;
    private final Conversations conversations;
    private final Map<String, Projection.Route<?>> routes = new HashMap<>();

    Replays(StoredEvents stored, Conversations conversations, List<Projection> projections) {
        this.stored = stored;
        this.conversations = conversations;
        projections.forEach(p -> routes.putAll(p.routes()));
    }

    @Transactional
    public int replayTenant(UUID tenant) {
        conversations.forgetTenant(tenant);
        int applied = 0;
        for (StoredEvents.Stored event : stored.ofTenant(tenant)) {
            Projection.Route<?> route = routes.get(event.type());
            if (route != null) {
                route.apply(new EventEnvelope(event.id(), event.type(), "replay", event.time(), event.tenantId(), event.subject(), 0, null,
                        event.data()));
                applied++;
            }
        }
        return applied;
    }
}
