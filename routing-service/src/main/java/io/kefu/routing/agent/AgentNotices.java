package io.kefu.routing.agent;

import java.util.UUID;

/** In-process notices for the queue package (published in the transaction, heard after commit). */
public final class AgentNotices {

    private AgentNotices() {
    }

    /** An agent can take conversations again (came online, freed capacity, got a higher limit). */
    public record CapacityFreed(UUID tenantId, String groupName, UUID staffId) {
    }

    /** An agent went offline: their conversations go back to the front of the queue. */
    public record WentOffline(UUID tenantId, String groupName, UUID staffId) {
    }
}
