package io.kefu.ticket.client;

import java.net.URI;
import java.util.UUID;

import io.kefu.ticket.client.Clients.CustomerPage;
import io.kefu.ticket.client.Clients.CustomerRequest;
import io.kefu.ticket.client.Clients.CustomerView;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs.Paging;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Seed 004 §3.2: a provider's customers; admins create and edit them. */
@RestController
@RequestMapping("/api/customers")
@Tag(name = "customers", description = "provider: their customers; admin: create/edit")
class ClientController {

    private final Clients clients;

    ClientController(Clients clients) {
        this.clients = clients;
    }

    @GetMapping
    @Operation(summary = "Customers the caller may see (status, keyword, region filters; page, or after a cursor)")
    CustomerPage list(@RequestParam(required = false) Integer page, @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String status, @RequestParam(required = false) String keyword,
            @RequestParam(required = false) String region, @RequestParam(required = false) String after) {
        return clients.list(Caller.require(), status, keyword, region, Paging.of(page, pageSize, after));
    }

    @GetMapping("/{id}")
    @Operation(summary = "One customer")
    CustomerView get(@PathVariable UUID id) {
        return clients.get(Caller.require(), id);
    }

    @PostMapping
    @Operation(summary = "Create a provider's customer (tenant admins)")
    ResponseEntity<CustomerView> create(@RequestBody CustomerRequest request) {
        CustomerView created = clients.create(Caller.require(), request);
        return ResponseEntity.created(URI.create("/api/customers/" + created.id())).body(created);
    }

    @PutMapping("/{id}")
    @Operation(summary = "Edit a provider's customer (tenant admins)")
    CustomerView update(@PathVariable UUID id, @RequestBody CustomerRequest request) {
        return clients.update(Caller.require(), id, request);
    }
}
