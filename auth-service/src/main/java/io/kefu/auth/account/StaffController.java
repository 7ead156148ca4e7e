package io.kefu.auth.account;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import io.kefu.auth.account.AccountDtos.AccountView;
import io.kefu.auth.account.AccountDtos.StaffRequest;
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

/** Staff management (seed §2.2); role admin, tenant-scoped; superadmin any tenant. */
@RestController
@RequestMapping("/api/admin/staff")
@Tag(name = "staff", description = "admin: staff members")
class StaffController {

    private final StaffService staff;

    StaffController(StaffService staff) {
        this.staff = staff;
    }

    @PostMapping
    ResponseEntity<AccountView> create(@Valid @RequestBody StaffRequest request) {
        AccountView created = staff.create(KefuPrincipal.require(), request);
        return ResponseEntity.created(URI.create("/api/admin/staff/" + created.id())).body(created);
    }

    @GetMapping
    List<AccountView> list(@RequestParam(required = false) UUID tenantId) {
        return staff.list(KefuPrincipal.require(), tenantId);
    }

    @GetMapping("/{id}")
    AccountView get(@PathVariable UUID id) {
        return staff.get(KefuPrincipal.require(), id);
    }

    @PutMapping("/{id}")
    AccountView update(@PathVariable UUID id, @Valid @RequestBody StaffRequest request) {
        return staff.update(KefuPrincipal.require(), id, request);
    }
}
