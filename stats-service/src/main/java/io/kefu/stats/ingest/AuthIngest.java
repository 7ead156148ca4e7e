package io.kefu.stats.ingest;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventHandlers;
import io.kefu.stats.metric.Agents;
import io.kefu.stats.metric.Conversations;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import static io.kefu.stats.ingest.Projection.required;
import static io.kefu.stats.ingest.Projection.tenant;

/** auth-service's staff profiles (exchange kefu.auth): names shown per agent; tenants' business hours. */
@Configuration(proxyBeanMethods = false)
class AuthIngest {

    record StaffProfile(@Nullable UUID staffId, @Nullable String name, int maxConcurrentChats) {
    }

    /** What stats reads of auth.tenant.configured.v1: the business hours (free text, null when not set), versioned. */
    record TenantConfigured(@Nullable String businessHours, @Nullable Long version) {
    }

    @Bean
    Projection authProjection(Agents agents, Conversations conversations) {
        return new Projection("auth")
                .on("auth.staff.created.v1", StaffProfile.class, (d, e) -> agents.profile(tenant(e), required(d.staffId(), "staffId", e), d.name(),
                        d.maxConcurrentChats()))
                .on("auth.staff.updated.v1", StaffProfile.class, (d, e) -> agents.profile(tenant(e), required(d.staffId(), "staffId", e), d.name(),
                        d.maxConcurrentChats()))
                .on("auth.tenant.configured.v1", TenantConfigured.class, (d, e) -> conversations.tenantHours(tenant(e), d.businessHours(),
                        required(d.version(), "version", e)));
    }

    @Bean
    Consumer<Message<List<byte[]>>> authEvents(EventHandlers handlers, StoredEvents stored, Projection authProjection) {
        return authProjection.consumer(handlers, stored);
    }
}
