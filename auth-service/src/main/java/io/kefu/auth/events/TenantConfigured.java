package io.kefu.auth.events;

import java.time.Instant;
import java.util.List;

import io.kefu.common.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A tenant was created, changed or disabled; carries its full new state (the seed's shop config), so a
 * consumer keeps the latest by {@code version}. kb-ai-service applies the answer rules from it.
 *
 * @param autoMode      whether AI replies go out without review
 * @param blacklist     customers (ids) or words the AI must not answer
 * @param whitelist     customers (ids) always served
 * @param businessHours free text such as "09:00-18:00"; null when not set
 * @param replyDelay    seconds before an automatic reply
 */
@EventType(value = "auth.tenant.configured.v1", priority = 4)
public record TenantConfigured(String tenantId, String name, String status, String aiModel, boolean autoMode, List<String> blacklist,
        List<String> whitelist, @Nullable String businessHours, int replyDelay, long version, Instant occurredAt) {
}
