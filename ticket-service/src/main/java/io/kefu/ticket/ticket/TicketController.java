package io.kefu.ticket.ticket;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs.Paging;
import io.kefu.ticket.ticket.TicketQueries.TicketPage;
import io.kefu.ticket.ticket.TicketQueries.TicketView;
import io.kefu.ticket.ticket.Tickets.CreateRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Seed 004 §3.3: tickets, for providers (their customers'), staff (the tenant's) and chat customers (their own). */
@RestController
@RequestMapping("/api/tickets")
@Tag(name = "tickets", description = "providers, staff and customers: tickets")
class TicketController {

    record ReplyRequest(@Nullable String content, @Nullable Boolean waitForCustomer) {
    }

    record ResolveRequest(@Nullable String note) {
    }

    record EscalateRequest(@Nullable String reason) {
    }

    record RateRequest(@Nullable Integer score, @Nullable String comment) {
    }

    private final Tickets tickets;
    private final TicketQueries queries;

    TicketController(Tickets tickets, TicketQueries queries) {
        this.tickets = tickets;
        this.queries = queries;
    }

    @GetMapping
    @Operation(summary = "Tickets the caller may see (status, type, escalationStatus, keyword, customerId filters; page, or after a cursor)")
    TicketPage list(@RequestParam(required = false) Integer page, @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String status, @RequestParam(required = false) String type,
            @RequestParam(required = false) String escalationStatus, @RequestParam(required = false) String keyword,
            @RequestParam(required = false) UUID customerId, @RequestParam(required = false) String after) {
        return queries.list(Caller.require(), status, type, escalationStatus, keyword, customerId, Paging.of(page, pageSize, after));
    }

    @GetMapping("/{id}")
    @Operation(summary = "One ticket with its processing history and SLA state")
    TicketView get(@PathVariable UUID id) {
        return queries.get(Caller.require(), id);
    }

    @PostMapping
    @Operation(summary = "Open a ticket (customerId, title, content, type[, priority])")
    ResponseEntity<TicketView> create(@RequestBody CreateRequest request) {
        Caller caller = Caller.require();
        UUID id = tickets.create(caller, request);
        return ResponseEntity.created(URI.create("/api/tickets/" + id)).body(queries.get(caller, id));
    }

    @PostMapping("/{id}/reply")
    @Operation(summary = "Reply; waitForCustomer pauses the SLA clock until the customer answers")
    Map<String, Object> reply(@PathVariable UUID id, @RequestBody ReplyRequest request) {
        Caller caller = Caller.require();
        tickets.reply(caller, id, request.content(), Boolean.TRUE.equals(request.waitForCustomer()));
        return Map.of("success", true, "ticket", queries.get(caller, id));
    }

    @PostMapping("/{id}/resolve")
    @Operation(summary = "Mark resolved")
    Map<String, Object> resolve(@PathVariable UUID id, @RequestBody(required = false) @Nullable ResolveRequest request) {
        Caller caller = Caller.require();
        tickets.resolve(caller, id, request == null ? null : request.note());
        return Map.of("success", true, "ticket", queries.get(caller, id));
    }

    @PostMapping("/{id}/escalate")
    @Operation(summary = "Escalate to the tenant's support staff {reason}")
    Map<String, Object> escalate(@PathVariable UUID id, @RequestBody EscalateRequest request) {
        Caller caller = Caller.require();
        tickets.escalate(caller, id, request.reason());
        return Map.of("success", true, "ticket", queries.get(caller, id));
    }

    @PostMapping("/{id}/rate")
    @Operation(summary = "The customer rates a resolved ticket once (score 1–5, comment)")
    Map<String, Object> rate(@PathVariable UUID id, @RequestBody RateRequest request) {
        Caller caller = Caller.require();
        tickets.rate(caller, id, request.score(), request.comment());
        return Map.of("success", true, "ticket", queries.get(caller, id));
    }
}
