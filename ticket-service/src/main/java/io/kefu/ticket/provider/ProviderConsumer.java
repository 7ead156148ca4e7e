package io.kefu.ticket.provider;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventHandlers;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** auth's {@code auth.provider.registered.v1} and {@code auth.provider.updated.v1} (exchange kefu.auth), group {@code ticket}. */
@Configuration(proxyBeanMethods = false)
class ProviderConsumer {

    /** What ticket-service reads of auth's provider event. */
    record ProviderRegistered(UUID providerId, UUID tenantId, String name, @Nullable String username, Instant registeredAt) {
    }

    /** What ticket-service reads of auth's provider update (the account's full new state and its version). */
    record ProviderUpdated(UUID providerId, UUID tenantId, String name, @Nullable String username, boolean active, long version,
            Instant updatedAt) {
    }

    @Bean
    Consumer<Message<byte[]>> authEvents(EventHandlers handlers, Providers providers) {
        return handlers.consumer("ticket")
                .on("auth.provider.registered.v1", ProviderRegistered.class, (data, envelope) ->
                        providers.registered(data.providerId(), data.tenantId(), data.name(), data.username(), data.registeredAt()))
                .on("auth.provider.updated.v1", ProviderUpdated.class, (data, envelope) -> providers.updated(data.providerId(),
                        data.tenantId(), data.name(), data.username(), data.active(), data.version(), data.updatedAt()))
                .build();
    }
}
