package io.kefu.routing.queue;

import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.routing.queue.Conversations.TransferCommand;
import io.kefu.routing.queue.RoutingRules.Rule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/queue")
@Tag(name = "queue")
class QueueController {

    private final Routes routes;
    private final Conversations conversations;
    private final RoutingRules rules;
    private final Assignment assignment;
    private final io.kefu.routing.agent.Agents agents;
    private final io.kefu.common.config.LiveProperties<RoutingProperties> properties;

    QueueController(Routes routes, Conversations conversations, RoutingRules rules, Assignment assignment,
            io.kefu.routing.agent.Agents agents, io.kefu.common.config.LiveProperties<RoutingProperties> properties) {
        this.routes = routes;
        this.conversations = conversations;
        this.rules = rules;
        this.assignment = assignment;
        this.agents = agents;
        this.properties = properties;
    }

    record Position(UUID conversationId, String status, @Nullable Integer position, @Nullable Long estimatedWaitSeconds,
            @Nullable UUID agentId) {
    }

    @Operation(summary = "Where my conversation is: with the AI, waiting (place, estimated wait) or with an agent")
    @GetMapping("/position")
    Position position(@RequestParam(required = false) @Nullable UUID conversationId) {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("customer") && !me.hasRole("agent")) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Customers and staff only");
        }
        if (conversationId == null) {
            return new Position(null, "none", null, null, null);
        }
        Route route = routes.find(conversationId)
                .filter(r -> r.tenantId().equals(me.tenantId()) && (r.customerId().equals(me.userId()) || me.hasRole("agent")))
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No routed conversation " + conversationId));
        if (!"waiting".equals(route.status())) {
            return new Position(conversationId, route.status(), null, null, route.agentId());
        }
        int position = routes.position(route);
        int online = Math.max(1, agents.online(route.tenantId()).size());
        return new Position(conversationId, "waiting", position, Assignment.estimatedWait(position, online, properties.get()), null);
    }

    @Operation(summary = "The waiting queue of a group, in order (supervisor)")
    @GetMapping
    List<Route> queue(@RequestParam(defaultValue = "default") String group) {
        KefuPrincipal me = supervisor();
        return routes.waiting(me.tenantId(), group, 500);
    }

    @Operation(summary = "Transfer a conversation to an agent or a group (its agent or a supervisor)")
    @PostMapping("/transfer")
    Route transfer(@Valid @RequestBody TransferBody body) {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("agent")) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Staff only");
        }
        return conversations.transfer(me, new TransferCommand(body.conversationId(), body.toAgentId(), body.toGroup(), body.reason()));
    }

    record TransferBody(@NotNull UUID conversationId, @Nullable UUID toAgentId, @Nullable String toGroup, @Nullable String reason) {
    }

    @Operation(summary = "My tenant's routing rules (admin)")
    @GetMapping("/rules")
    Rule rules() {
        return rules.of(admin().tenantId());
    }

    @PutMapping("/rules")
    Rule saveRules(@Valid @RequestBody Rule rule) {
        return rules.save(admin().tenantId(), rule);
    }

    @Operation(summary = "Run an assignment pass over a group's queue now (supervisor)")
    @PostMapping("/pass")
    Assignment.PassResult pass(@RequestParam(defaultValue = "default") String group) {
        return assignment.pass(supervisor().tenantId(), group);
    }

    private static KefuPrincipal supervisor() {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("supervisor") || me.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Supervisors of a tenant only");
        }
        return me;
    }

    private static KefuPrincipal admin() {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("admin") || me.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Admins of a tenant only");
        }
        return me;
    }
}
