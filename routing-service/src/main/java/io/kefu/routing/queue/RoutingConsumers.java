package io.kefu.routing.queue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventEnvelope;
import io.kefu.common.event.EventHandlers;
import io.kefu.common.event.MalformedEventException;
import io.kefu.routing.agent.Agents;
import io.kefu.routing.queue.RoutingDecision.MessageReceived;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * routing-service's consumers: chat's conversation events (exchange kefu.chat) and auth's staff events
 * (kefu.auth), each a durable queue of group {@code routing}. Each record below is routing's own view
 * of the producer's event, tested against the producer's committed sample.
 */
@Configuration(proxyBeanMethods = false)
class RoutingConsumers {

    record MessageSent(UUID conversationId, String senderType, Instant createdAt) {
    }

    record ConversationEnded(UUID conversationId) {
    }

    record PresenceChanged(UUID userId, String userType, boolean online) {
    }

    record StaffProfile(UUID staffId, UUID tenantId, String name, @Nullable List<String> roles, @Nullable String department,
            int maxConcurrentChats, boolean active, @Nullable String wecomUserId, @Nullable Long version) {
    }

    record StaffDeactivated(UUID staffId) {
    }

    @Bean
    Consumer<Message<byte[]>> chatEvents(EventHandlers handlers, RoutingDecision decision, Conversations conversations, Agents agents) {
        return handlers.consumer("routing")
                .on("chat.message.received.v1", MessageReceived.class, (data, envelope) -> decision.onCustomerMessage(tenant(envelope), data))
                .on("chat.message.sent.v1", MessageSent.class, (data, envelope) -> {
                    if ("staff".equals(data.senderType())) {
                        conversations.agentWrote(data.conversationId(), data.createdAt());
                    }
                })
                .on("chat.conversation.ended.v1", ConversationEnded.class, (data, envelope) -> conversations.ended(data.conversationId()))
                .on("chat.presence.changed.v1", PresenceChanged.class, (data, envelope) -> {
                    if (!"customer".equals(data.userType())) {
                        agents.presence(data.userId(), data.online());
                    }
                })
                .build();
    }

    @Bean
    Consumer<Message<byte[]>> authEvents(EventHandlers handlers, Agents agents) {
        return handlers.consumer("routing")
                .on("auth.staff.created.v1", StaffProfile.class, (data, envelope) -> upsert(agents, data))
                .on("auth.staff.updated.v1", StaffProfile.class, (data, envelope) -> upsert(agents, data))
                .on("auth.staff.deactivated.v1", StaffDeactivated.class, (data, envelope) -> agents.deactivate(data.staffId()))
                .build();
    }

    private static void upsert(Agents agents, StaffProfile data) {
        agents.upsertProfile(data.staffId(), data.tenantId(), data.name(), data.department(), data.maxConcurrentChats(), data.active(),
                data.wecomUserId(), data.version() == null ? 1 : data.version());
    }

    static UUID tenant(EventEnvelope envelope) {
        try {
            return UUID.fromString(envelope.tenantId());
        } catch (RuntimeException e) {
            throw new MalformedEventException(envelope.type() + " " + envelope.id() + " has no tenant", e);
        }
    }
}
