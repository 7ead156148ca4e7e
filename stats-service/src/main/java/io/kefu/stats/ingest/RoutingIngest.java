package io.kefu.stats.ingest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventHandlers;
import io.kefu.stats.metric.Agents;
import io.kefu.stats.metric.Conversations;
import io.kefu.stats.metric.Measure;
import io.kefu.stats.metric.Metric;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import static io.kefu.stats.ingest.Projection.required;
import static io.kefu.stats.ingest.Projection.tenant;

/** routing-service's facts (exchange kefu.routing): AI requests, queueing, assignment, transfers, agents' statuses. */
@Configuration(proxyBeanMethods = false)
class RoutingIngest {

    record AiRequested(@Nullable UUID conversationId, @Nullable UUID customerId, @Nullable Instant requestedAt) {
    }

    record Queued(@Nullable UUID conversationId, @Nullable UUID customerId, @Nullable String groupName, @Nullable Instant enqueuedAt) {
    }

    record Assigned(@Nullable UUID conversationId, @Nullable UUID customerId, @Nullable UUID agentId, @Nullable String groupName,
            @Nullable Long waitedSeconds, @Nullable Instant assignedAt) {
    }

    record Transferred(@Nullable UUID conversationId, @Nullable UUID toAgentId, @Nullable String toGroup) {
    }

    record AgentStatus(@Nullable UUID staffId, @Nullable String name, @Nullable String groupName, @Nullable String status,
            int currentLoad, int maxConcurrentChats, @Nullable Instant changedAt) {
    }

    @Bean
    Projection routingProjection(Conversations conversations, Agents agents) {
        return new Projection("routing")
                .on("routing.ai.requested.v1", AiRequested.class, (d, e) -> {
                    UUID conversation = required(d.conversationId(), "conversationId", e);
                    Instant at = required(d.requestedAt(), "requestedAt", e);
                    conversations.aiRequested(tenant(e), conversation, d.customerId(), at);
                    conversations.measure(tenant(e), conversation, (group, channel) -> new Measure(Metric.AI_QUESTION, e.id(), at, 1, false,
                            conversation, null, group, channel));
                })
                .on("routing.conversation.queued.v1", Queued.class, (d, e) -> conversations.queued(tenant(e),
                        required(d.conversationId(), "conversationId", e), d.customerId(), d.groupName(), required(d.enqueuedAt(), "enqueuedAt", e)))
                .on("routing.conversation.assigned.v1", Assigned.class, (d, e) -> conversations.assigned(tenant(e),
                        required(d.conversationId(), "conversationId", e), d.customerId(), required(d.agentId(), "agentId", e), d.groupName(),
                        d.waitedSeconds(), required(d.assignedAt(), "assignedAt", e)))
                .on("routing.conversation.transferred.v1", Transferred.class, (d, e) -> conversations.transferred(tenant(e),
                        required(d.conversationId(), "conversationId", e), d.toAgentId(), d.toGroup()))
                .on("routing.agent.status.v1", AgentStatus.class, (d, e) -> agents.statusChanged(tenant(e), required(d.staffId(), "staffId", e),
                        e.id(), d.name(), d.groupName(), required(d.status(), "status", e), d.currentLoad(), d.maxConcurrentChats(),
                        required(d.changedAt(), "changedAt", e)));
    }

    @Bean
    Consumer<Message<List<byte[]>>> routingEvents(EventHandlers handlers, StoredEvents stored, Projection routingProjection) {
        return routingProjection.consumer(handlers, stored);
    }
}
