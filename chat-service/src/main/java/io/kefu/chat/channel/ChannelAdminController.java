package io.kefu.chat.channel;

import java.util.List;
import java.util.UUID;

import io.kefu.chat.channel.ChannelAccounts.CreateChannel;
import io.kefu.chat.channel.ChannelAccounts.UpdateChannel;
import io.kefu.common.security.KefuPrincipal;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A tenant's channel accounts, for its admins (superadmin passes {@code tenantId}). Secrets go in,
 * never out: answers say {@code secretSet}, {@code tokenSet}, {@code aesKeySet}.
 */
@RestController
@RequestMapping("/api/admin/channels")
class ChannelAdminController {

    private final ChannelAccounts accounts;

    ChannelAdminController(ChannelAccounts accounts) {
        this.accounts = accounts;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ChannelAccount create(@RequestBody CreateChannel command) {
        return accounts.create(KefuPrincipal.require(), command);
    }

    @GetMapping
    List<ChannelAccount> list(@RequestParam(required = false) @Nullable UUID tenantId) {
        return accounts.list(KefuPrincipal.require(), tenantId);
    }

    @GetMapping("/{id}")
    ChannelAccount get(@PathVariable UUID id) {
        return accounts.get(KefuPrincipal.require(), id);
    }

    @PatchMapping("/{id}")
    ChannelAccount update(@PathVariable UUID id, @RequestBody UpdateChannel command) {
        return accounts.update(KefuPrincipal.require(), id, command);
    }

    /** Callbacks of a disabled account are refused (404) and nothing is sent through it. */
    @PostMapping("/{id}/disable")
    ChannelAccount disable(@PathVariable UUID id) {
        return accounts.setEnabled(KefuPrincipal.require(), id, false);
    }

    @PostMapping("/{id}/enable")
    ChannelAccount enable(@PathVariable UUID id) {
        return accounts.setEnabled(KefuPrincipal.require(), id, true);
    }
}
