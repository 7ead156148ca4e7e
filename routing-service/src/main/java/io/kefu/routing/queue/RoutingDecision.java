package io.kefu.routing.queue;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.event.EventPublisher;
import io.kefu.routing.agent.Agents;
import io.kefu.routing.events.AiAnswerRequested;
import io.kefu.routing.events.ConversationQueued;
import io.kefu.routing.queue.Assignment.QueueChanged;
import io.kefu.routing.queue.RoutingRules.Rule;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Where a customer's message goes: to the AI first line when the tenant's rule says so (unless the
 * customer asks for a person), else to the human queue of the tenant's default group, ranked by VIP
 * and complaint. Runs inside the consumer's transaction (with the inbox record), so a redelivered
 * event decides nothing twice.
 */
@Component
class RoutingDecision {

    private final Routes routes;
    private final RoutingRules rules;
    private final Agents agents;
    private final EventPublisher events;
    private final ApplicationEventPublisher notices;
    private final LiveProperties<RoutingProperties> properties;
    private final Clock clock;

    RoutingDecision(Routes routes, RoutingRules rules, Agents agents, EventPublisher events, ApplicationEventPublisher notices,
            LiveProperties<RoutingProperties> properties, Clock clock) {
        this.routes = routes;
        this.rules = rules;
        this.agents = agents;
        this.events = events;
        this.notices = notices;
        this.properties = properties;
        this.clock = clock;
    }

    /** What routing reads of chat.message.received.v1. */
    record MessageReceived(UUID messageId, UUID conversationId, UUID customerId, String channel, String type,
            @Nullable String content, Instant createdAt) {
    }

    void onCustomerMessage(UUID tenantId, MessageReceived message) {
        RoutingProperties props = properties.get();
        Rule rule = rules.of(tenantId);
        String text = message.content() == null ? "" : message.content();
        boolean wantsHuman = props.humanKeywords().stream().anyMatch(text::contains);
        boolean complaint = props.complaintKeywords().stream().anyMatch(text::contains);
        int priority = rule.vipCustomers().contains(message.customerId()) ? props.vipPriority() : complaint ? props.complaintPriority() : 0;
        Instant now = clock.instant();

        // Most messages come to an open route: one statement notes the message and locks the route. A first message, or
        // one to a closed route, takes the way below.
        Route route = routes.customerWroteIfOpen(message.conversationId(), message.createdAt()).orElse(null);
        if (route == null) {
            var existing = routes.findForUpdate(message.conversationId());
            if (existing.isEmpty() || "closed".equals(existing.get().status())) {
                boolean toAi = rule.aiFirst() && !wantsHuman;
                boolean created = toAi
                        ? routes.create(message.conversationId(), tenantId, message.customerId(), message.channel(), "ai",
                                rule.defaultGroup(), priority, null, message.createdAt(), now)
                        : routes.create(message.conversationId(), tenantId, message.customerId(), message.channel(), "waiting",
                                rule.defaultGroup(), priority, now, message.createdAt(), now);
                if (created || existing.isPresent()) {
                    if (toAi) {
                        askAi(tenantId, message, now);
                    } else {
                        queued(tenantId, message.conversationId(), wantsHuman ? "asked_for_human" : "human_first");
                    }
                    return;
                }
                // Another transaction (another instance's batch) created the route after our read: the insert waited for its
                // commit and did nothing. This message is the conversation's next one, not its first — decide as for one.
                existing = routes.findForUpdate(message.conversationId());
            }
            route = existing.orElseThrow(); // routes are never deleted
            routes.customerWrote(route.conversationId(), message.createdAt());
        }
        switch (route.status()) {
            case "ai" -> {
                if (wantsHuman || complaint) {
                    routes.enqueue(route, route.groupName(), Math.max(route.priority(), priority), now, now);
                    queued(tenantId, route.conversationId(), wantsHuman ? "asked_for_human" : "complaint");
                } else {
                    askAi(tenantId, message, now);
                }
            }
            case "waiting" -> {
                if (priority > route.priority()) {
                    routes.bumpPriority(route.conversationId(), priority);
                    notices.publishEvent(new QueueChanged(tenantId, route.groupName()));
                }
            }
            default -> {
                // assigned: chat delivers the message to the agent; routing only notes the activity
            }
        }
    }

    /** The AI gave up (or a person was asked for later): the conversation joins the human queue. */
    /** The AI hands over: the group of the hand-off's intent when the tenant maps it, else the conversation's own. */
    void handOverFromAi(UUID tenantId, UUID conversationId, String reason, @Nullable String intent) {
        routes.findForUpdate(conversationId).filter(r -> "ai".equals(r.status())).ifPresent(route -> {
            Instant now = clock.instant();
            String group = rules.of(tenantId).groupFor(intent).orElse(route.groupName());
            routes.enqueue(route, group, route.priority(), now, now);
            queued(tenantId, conversationId, reason);
        });
    }

    private void askAi(UUID tenantId, MessageReceived message, Instant now) {
        events.publish(new AiAnswerRequested(message.conversationId(), message.customerId(), message.messageId(),
                message.content() == null ? "" : message.content(), now), tenantId.toString(), message.conversationId().toString());
    }

    private void queued(UUID tenantId, UUID conversationId, String reason) {
        Route route = routes.find(conversationId).orElseThrow();
        int position = routes.position(route);
        int online = Math.max(1, agents.online(tenantId).size());
        long eta = Assignment.estimatedWait(position, online, properties.get());
        routes.notifiedPosition(conversationId, position);
        events.publish(new ConversationQueued(conversationId, route.customerId(), route.groupName(), route.priority(), position, eta, reason,
                route.enqueuedAt()), tenantId.toString(), conversationId.toString());
        notices.publishEvent(new QueueChanged(tenantId, route.groupName()));
    }
}
