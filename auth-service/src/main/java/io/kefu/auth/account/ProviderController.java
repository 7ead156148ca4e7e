package io.kefu.auth.account;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import io.kefu.auth.account.AccountDtos.AccountView;
import io.kefu.auth.account.AccountDtos.ProviderRequest;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Service-provider accounts (seed 004 §3.1 sign-in); role admin, tenant-scoped; superadmin any tenant. */
@RestController
@RequestMapping("/api/admin/providers")
@Tag(name = "providers", description = "admin: service-provider accounts")
class ProviderController {

    private final ProviderService providers;

    ProviderController(ProviderService providers) {
        this.providers = providers;
    }

    @PostMapping
    ResponseEntity<AccountView> create(@Valid @RequestBody ProviderRequest request) {
        AccountView created = providers.create(KefuPrincipal.require(), request);
        return ResponseEntity.created(URI.create("/api/admin/providers/" + created.id())).body(created);
    }

    @GetMapping
    List<AccountView> list(@RequestParam(required = false) UUID tenantId) {
        return providers.list(KefuPrincipal.require(), tenantId);
    }

    @GetMapping("/{id}")
    AccountView get(@PathVariable UUID id) {
        return providers.get(KefuPrincipal.require(), id);
    }

    @PutMapping("/{id}")
    AccountView update(@PathVariable UUID id, @Valid @RequestBody ProviderRequest request) {
        return providers.update(KefuPrincipal.require(), id, request);
    }
}
