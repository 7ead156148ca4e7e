package io.kefu.ticket.provider;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventHandlers;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** auth's {@code auth.provider.registered.v1} (exchange kefu.auth), group {@code ticket}. */
@Configuration(proxyBeanMethods = false)
class ProviderConsumer {

    /** What ticket-service reads of auth's provider event. */
    record ProviderRegistered(UUID providerId, UUID tenantId, String name, @Nullable String username, Instant registeredAt) {
    }

    @Bean
    Consumer<Message<byte[]>> authEvents(EventHandlers handlers, Providers providers) {
        return handlers.consumer("ticket")
                .on("auth.provider.registered.v1", ProviderRegistered.class, (data, envelope) ->
                        providers.registered(data.providerId(), data.tenantId(), data.name(), data.username(), data.registeredAt()))
                .build();
    }
}
