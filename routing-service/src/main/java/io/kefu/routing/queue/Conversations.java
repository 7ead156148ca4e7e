package io.kefu.routing.queue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.routing.agent.Agent;
import io.kefu.routing.agent.Agents;
import io.kefu.routing.events.CloseRequested;
import io.kefu.routing.events.ConversationAssigned;
import io.kefu.routing.events.ConversationTransferred;
import io.kefu.routing.events.InactivityWarning;
import io.kefu.routing.queue.Assignment.QueueChanged;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** A routed conversation's life after the decision: replies, end, transfer, and closing for inactivity. */
@Component
public class Conversations {

    private final Routes routes;
    private final Agents agents;
    private final RoutingRules rules;
    private final EventPublisher events;
    private final ApplicationEventPublisher notices;
    private final Clock clock;

    Conversations(Routes routes, Agents agents, RoutingRules rules, EventPublisher events, ApplicationEventPublisher notices, Clock clock) {
        this.routes = routes;
        this.agents = agents;
        this.rules = rules;
        this.events = events;
        this.notices = notices;
        this.clock = clock;
    }

    public Optional<Route> find(UUID conversationId) {
        return routes.find(conversationId);
    }

    void agentWrote(UUID conversationId, Instant at) {
        routes.agentWrote(conversationId, at);
    }

    /**
     * chat ended the conversation: the route closes and its agent gets the capacity back — as the transaction commits,
     * after the other routes of its batch are locked ({@link Agents#releaseAtCommit}).
     */
    @Transactional
    public void ended(UUID conversationId) {
        routes.findForUpdate(conversationId).ifPresent(route -> {
            if (routes.close(route, clock.instant()) && "assigned".equals(route.status()) && route.agentId() != null) {
                agents.releaseAtCommit(route.agentId());
            }
        });
    }

    /**
     * Asks chat to close a conversation (timeouts, cleanup) and closes the route at once, so that the
     * job does not ask twice; chat's end event then finds it closed already.
     */
    @Transactional
    public boolean requestClose(Route seen, String reason, String comment) {
        Instant now = clock.instant();
        if (!routes.close(seen, now)) {
            return false; // changed since the job read it (a message arrived, another instance closed it)
        }
        if ("assigned".equals(seen.status()) && seen.agentId() != null) {
            agents.release(seen.agentId());
        }
        events.publish(new CloseRequested(seen.conversationId(), seen.customerId(), reason, comment, null, now), seen.tenantId().toString(),
                seen.conversationId().toString());
        return true;
    }

    /** The conversations an agent holds now, the most recently active first. */
    public List<Route> heldBy(UUID agentId) {
        return routes.heldBy(agentId);
    }

    /**
     * The agent (or a supervisor) declares the problem solved: the route closes, the agent gets the
     * capacity back, and chat is asked to end the conversation with reason {@code resolved} in their name.
     */
    @Transactional
    public Route resolve(KefuPrincipal by, UUID conversationId, @Nullable String comment) {
        Route route = routes.findForUpdate(conversationId).filter(r -> r.tenantId().equals(by.tenantId()))
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No routed conversation " + conversationId));
        if (!by.hasRole("supervisor") && !by.userId().equals(route.agentId())) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only the conversation's agent or a supervisor resolves it");
        }
        Instant now = clock.instant();
        if (!routes.close(route, now)) {
            throw new KefuProblemException(ProblemType.CONFLICT, "The conversation has ended");
        }
        if ("assigned".equals(route.status()) && route.agentId() != null) {
            agents.release(route.agentId());
        }
        events.publish(new CloseRequested(route.conversationId(), route.customerId(), "resolved", comment, by.userId(), now),
                route.tenantId().toString(), route.conversationId().toString());
        return routes.find(conversationId).orElseThrow();
    }

    public record TransferCommand(UUID conversationId, @Nullable UUID toAgentId, @Nullable String toGroup, @Nullable String reason) {
    }

    /**
     * Moves a conversation to another agent (who must be online with room) or to another group's
     * queue. Allowed for its current agent and for supervisors of the tenant.
     */
    @Transactional
    public Route transfer(KefuPrincipal by, TransferCommand command) {
        Route route = routes.findForUpdate(command.conversationId()).filter(r -> r.tenantId().equals(by.tenantId()))
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No routed conversation " + command.conversationId()));
        if (!by.hasRole("supervisor") && !by.userId().equals(route.agentId())) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only the conversation's agent or a supervisor transfers it");
        }
        if ("closed".equals(route.status())) {
            throw new KefuProblemException(ProblemType.CONFLICT, "The conversation has ended");
        }
        if ((command.toAgentId() == null) == (command.toGroup() == null)) {
            throw new KefuProblemException(ProblemType.VALIDATION, "Give exactly one of toAgentId and toGroup");
        }
        Instant now = clock.instant();
        String reason = command.reason() == null ? "transfer" : command.reason();
        UUID from = route.agentId();
        if (command.toAgentId() != null) {
            Agent target = agents.find(command.toAgentId()).filter(a -> a.tenantId().equals(route.tenantId()))
                    .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No agent " + command.toAgentId()));
            if (target.staffId().equals(from)) {
                throw new KefuProblemException(ProblemType.CONFLICT, "The conversation is with that agent already");
            }
            Instant front = routes.frontOf(route.tenantId(), target.groupName()).map(i -> i.minusMillis(1)).orElse(now);
            if (!routes.enqueue(route, target.groupName(), route.priority(), front, now)) {
                throw new KefuProblemException(ProblemType.CONFLICT, "The conversation changed meanwhile; try again");
            }
            Route waiting = routes.find(route.conversationId()).orElseThrow();
            if (!routes.assign(waiting, target.staffId(), now) || !agents.reserve(target.staffId(), target.version())) {
                throw new KefuProblemException(ProblemType.CONFLICT, target.name() + " has no free capacity or is not online");
            }
            if (from != null && "assigned".equals(route.status())) {
                agents.release(from);
            }
            events.publish(new ConversationTransferred(route.conversationId(), route.customerId(), from, target.staffId(), target.groupName(),
                    by.userId(), reason, now), route.tenantId().toString(), route.conversationId().toString());
            events.publish(new ConversationAssigned(route.conversationId(), route.customerId(), target.staffId(), from, target.groupName(), 0,
                    now, 0), route.tenantId().toString(), route.conversationId().toString());
        } else {
            String group = command.toGroup();
            if (!group.matches(RoutingRules.GROUP)) {
                throw new KefuProblemException(ProblemType.VALIDATION, "toGroup is not a group name");
            }
            Instant front = routes.frontOf(route.tenantId(), group).map(i -> i.minusMillis(1)).orElse(now);
            if (!routes.enqueue(route, group, route.priority(), front, now)) {
                throw new KefuProblemException(ProblemType.CONFLICT, "The conversation changed meanwhile; try again");
            }
            if (from != null && "assigned".equals(route.status())) {
                agents.release(from);
            }
            events.publish(new ConversationTransferred(route.conversationId(), route.customerId(), from, null, group, by.userId(), reason, now),
                    route.tenantId().toString(), route.conversationId().toString());
            notices.publishEvent(new QueueChanged(route.tenantId(), group));
        }
        return routes.find(route.conversationId()).orElseThrow();
    }

    public List<Route> quietSince(Instant before, boolean warned, int limit) {
        return routes.quietSince(before, warned, limit);
    }

    public List<Route> staleSince(Instant before, int limit) {
        return routes.staleSince(before, limit);
    }

    /** Marks the inactivity warning as sent and publishes it, once (false when another run or a message got there first). */
    @Transactional
    public boolean warn(Route seen, long closesInSeconds) {
        Instant now = clock.instant();
        if (!routes.markWarned(seen, now)) {
            return false;
        }
        events.publish(new InactivityWarning(seen.conversationId(), seen.customerId(), closesInSeconds, now), seen.tenantId().toString(),
                seen.conversationId().toString());
        return true;
    }

    /** The engineers' group of the tenant (for the #转接工程师 staff command). */
    public String engineerGroup(UUID tenantId) {
        return rules.of(tenantId).engineerGroup();
    }
}
