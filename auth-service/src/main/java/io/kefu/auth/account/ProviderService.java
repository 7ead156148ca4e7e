package io.kefu.auth.account;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kefu.auth.account.AccountDtos.AccountView;
import io.kefu.auth.account.AccountDtos.ProviderRequest;
import io.kefu.auth.events.ProviderRegistered;
import io.kefu.auth.events.ProviderUpdated;
import io.kefu.auth.tenant.TenantService;
import io.kefu.auth.token.TokenService;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.security.KefuPrincipal;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Service-provider accounts, created by their tenant's admins (or a superadmin); they sign in with a password. */
@Service
public class ProviderService {

    public static final String TYPE = "provider";

    private final AccountRepository accounts;
    private final TenantService tenants;
    private final PasswordEncoder passwords;
    private final EventPublisher events;
    private final TokenService tokens;
    private final Clock clock;

    ProviderService(AccountRepository accounts, TenantService tenants, PasswordEncoder passwords, EventPublisher events,
            TokenService tokens, Clock clock) {
        this.accounts = accounts;
        this.tenants = tenants;
        this.passwords = passwords;
        this.events = events;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Transactional
    public AccountView create(KefuPrincipal actor, ProviderRequest request) {
        UUID tenantId = AccountGuards.tenantFor(actor, request.tenantId());
        if (!tenants.exists(tenantId)) {
            throw new KefuProblemException(ProblemType.VALIDATION, "No tenant " + tenantId);
        }
        if (AccountGuards.blank(request.password())) {
            throw new KefuProblemException(ProblemType.VALIDATION, "A new provider needs a password of at least 8 characters");
        }
        Instant now = clock.instant();
        Account provider = new Account(UUID.randomUUID(), tenantId, TYPE, now);
        provider.roles = "provider";
        provider.maxConcurrentChats = 0;
        apply(provider, request);
        AccountGuards.saveWithUniqueUsername(accounts, provider);
        events.publish(new ProviderRegistered(provider.id.toString(), tenantId.toString(), provider.name, provider.username, now),
                tenantId.toString(), provider.id.toString());
        return AccountService.view(provider);
    }

    @Transactional
    public AccountView update(KefuPrincipal actor, UUID id, ProviderRequest request) {
        Account provider = AccountGuards.owned(accounts, actor, id, TYPE);
        AccountGuards.checkVersion(provider, request.version());
        boolean wasActive = provider.active;
        apply(provider, request);
        Instant now = clock.instant();
        provider.updatedAt = now;
        AccountGuards.saveWithUniqueUsername(accounts, provider);
        String tenant = provider.tenantId.toString();
        // After the flush, so the event carries the version the row now has.
        events.publish(new ProviderUpdated(provider.id.toString(), tenant, provider.name, provider.username, provider.active,
                provider.version, now), tenant, provider.id.toString());
        if (wasActive && !provider.active) {
            tokens.revokeAllFor(provider.id);
        }
        return AccountService.view(provider);
    }

    @Transactional(readOnly = true)
    public AccountView get(KefuPrincipal actor, UUID id) {
        return AccountService.view(AccountGuards.owned(accounts, actor, id, TYPE));
    }

    @Transactional(readOnly = true)
    public List<AccountView> list(KefuPrincipal actor, UUID tenantId) {
        if (actor.isSuperadmin() && tenantId == null) {
            return accounts.findByTypeOrderByCreatedAt(TYPE).stream().map(AccountService::view).toList();
        }
        return accounts.findByTypeAndTenantIdOrderByCreatedAt(TYPE, AccountGuards.tenantFor(actor, tenantId)).stream()
                .map(AccountService::view).toList();
    }

    private void apply(Account provider, ProviderRequest r) {
        provider.name = r.name().strip();
        provider.username = r.username().strip();
        if (!AccountGuards.blank(r.password())) {
            provider.passwordHash = passwords.encode(r.password());
        }
        if (r.active() != null) {
            provider.active = r.active();
        }
    }
}
