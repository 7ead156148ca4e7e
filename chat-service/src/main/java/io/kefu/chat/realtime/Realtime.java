package io.kefu.chat.realtime;

import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;

/** Pushes for other packages (routing's notices): to a user's own queues, or to a tenant's staff. */
@Component
public class Realtime {

    private final RealtimeRelay relay;

    Realtime(RealtimeRelay relay) {
        this.relay = relay;
    }

    /** {@code destination} like {@code /queue/position}: arrives on {@code /user/queue/position} of every session. */
    public void toUser(UUID userId, String destination, Object payload) {
        relay.toUsers(List.of(userId.toString()), destination, payload);
    }

    /** Staff status changes, on {@code /topic/staff.<tenantId>.status} (only the tenant's staff may subscribe). */
    public void broadcastStaffStatus(UUID tenantId, Object payload) {
        relay.toTopic("/topic/staff." + tenantId + ".status", payload);
    }
}
