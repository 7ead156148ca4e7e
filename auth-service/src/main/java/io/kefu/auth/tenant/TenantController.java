package io.kefu.auth.tenant;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import io.kefu.auth.tenant.TenantDtos.TenantRequest;
import io.kefu.auth.tenant.TenantDtos.TenantView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Tenants (the seed's shops); superadmin only (path rule in AuthSecurityRules). */
@RestController
@RequestMapping("/api/admin/tenants")
@Tag(name = "tenants", description = "superadmin: tenants and their mini-program")
class TenantController {

    private final TenantService tenants;

    TenantController(TenantService tenants) {
        this.tenants = tenants;
    }

    @GetMapping
    List<TenantView> list() {
        return tenants.list();
    }

    @PostMapping
    @Operation(summary = "Create a tenant; 409 tenant-name-exists / app-id-taken")
    ResponseEntity<TenantView> create(@Valid @RequestBody TenantRequest request) {
        TenantView created = tenants.create(request);
        return ResponseEntity.created(URI.create("/api/admin/tenants/" + created.id())).body(created);
    }

    @GetMapping("/{id}")
    TenantView get(@PathVariable UUID id) {
        return tenants.get(id);
    }

    @PutMapping("/{id}")
    TenantView update(@PathVariable UUID id, @Valid @RequestBody TenantRequest request) {
        return tenants.update(id, request);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Disable a tenant (kept for history)")
    TenantView disable(@PathVariable UUID id) {
        return tenants.disable(id);
    }
}
