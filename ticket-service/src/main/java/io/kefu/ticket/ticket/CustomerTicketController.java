package io.kefu.ticket.ticket;

import java.util.UUID;

import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs.Paging;
import io.kefu.ticket.ticket.TicketQueries.TicketPage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Seed 004 §3.2: a customer's tickets. */
@RestController
@Tag(name = "customers")
class CustomerTicketController {

    private final TicketQueries queries;

    CustomerTicketController(TicketQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/api/customers/{id}/tickets")
    @Operation(summary = "The tickets of one customer (status filter)")
    TicketPage tickets(@PathVariable UUID id, @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String status, @RequestParam(required = false) String after) {
        return queries.ofCustomer(Caller.require(), id, status, Paging.of(page, pageSize, after));
    }
}
