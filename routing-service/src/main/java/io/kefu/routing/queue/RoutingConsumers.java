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
import tools.jackson.databind.JsonNode;

/**
 * routing-service's consumers: chat's conversation events (exchange kefu.chat) and auth's staff events
 * (kefu.auth), each a durable queue of group {@code routing}. Each record below is routing's own view
 * of the producer's event, tested against the producer's committed sample.
 *
 * <p>{@code chatEvents} carries every chat message of every tenant, so it is a batch consumer (binding
 * {@code chatEvents-in-0} in batch mode, application.yml): a batch's events share one transaction (one inbox
 * insert, one commit) instead of one each, each event still taking effect once. The batch runs sorted by
 * {@link #lockOrder}: a conversation's events keep their order, and every batch locks its route rows in one
 * (conversation) order and the agent rows after them — as every other transaction of routing does (route, then
 * agent), so a batch and an assignment cannot wait for each other in a cycle. What an event leaves for after the
 * commit (a pass over its queue, the relay's wake-up) runs once the batch has committed.
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
    Consumer<Message<List<byte[]>>> chatEvents(EventHandlers handlers, RoutingDecision decision, Conversations conversations, Agents agents) {
        return handlers.consumer("routing")
                .on("chat.message.received.v1", MessageReceived.class, (data, envelope) -> decision.onCustomerMessage(tenant(envelope),
                        complete(data, envelope)))
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
                .buildBatch(RoutingConsumers::lockOrder);
    }

    /**
     * What an event of {@code chatEvents} locks, for the batch's order: its conversation's route (messages, the end —
     * which then releases the agent, before the commit: {@link Conversations#ended}); an agent's presence locks only
     * the agent's row and sorts after every conversation ({@code '~'} after any hex digit), so a batch takes all its
     * route locks before any agent lock.
     */
    static String lockOrder(EventEnvelope envelope) {
        if ("chat.presence.changed.v1".equals(envelope.type())) {
            return "~" + envelope.subject();
        }
        JsonNode conversation = envelope.data() == null ? null : envelope.data().get("conversationId");
        return conversation != null && conversation.isString() ? conversation.asString() : String.valueOf(envelope.subject());
    }

    /**
     * A customer's message without what its route's row needs (the columns' constraints) is refused — dead-lettered
     * alone, with the reason — rather than failing in the insert: in a batch, a database error rolls back and retries
     * the whole batch, then parks all of it. Such a message failed before batching too, only later (after the retries).
     */
    static MessageReceived complete(MessageReceived data, EventEnvelope envelope) {
        String missing = data.conversationId() == null ? "conversationId" : data.customerId() == null ? "customerId"
                : data.channel() == null ? "channel" : data.channel().length() > 16 ? "a channel of 16 characters at most" : null;
        if (missing != null) {
            throw new MalformedEventException(envelope.type() + " " + envelope.id() + " lacks " + missing, null);
        }
        return data;
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
