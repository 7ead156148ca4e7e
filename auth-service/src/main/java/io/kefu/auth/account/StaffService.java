package io.kefu.auth.account;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kefu.auth.account.AccountDtos.AccountView;
import io.kefu.auth.account.AccountDtos.StaffRequest;
import io.kefu.auth.events.StaffCreated;
import io.kefu.auth.events.StaffDeactivated;
import io.kefu.auth.events.StaffUpdated;
import io.kefu.auth.tenant.TenantService;
import io.kefu.auth.token.TokenService;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventPublisher;
import io.kefu.common.security.KefuPrincipal;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Staff members, managed by their tenant's admins (a superadmin may manage any tenant's). Each
 * change publishes its event through the outbox in the same transaction.
 */
@Service
public class StaffService {

    public static final String TYPE = "staff";
    public static final ProblemType USERNAME_TAKEN = AccountGuards.USERNAME_TAKEN;
    public static final ProblemType WECOM_USER_TAKEN = new ProblemType("staff-wecom-user-taken", HttpStatus.CONFLICT,
            "WeCom userid already registered");
    public static final ProblemType OPENID_TAKEN = new ProblemType("staff-openid-taken", HttpStatus.CONFLICT, "WeChat account already registered");
    public static final ProblemType NO_CREDENTIAL = new ProblemType("staff-credential-missing", HttpStatus.BAD_REQUEST, "No way to sign in");

    private final AccountRepository accounts;
    private final TenantService tenants;
    private final PasswordEncoder passwords;
    private final EventPublisher events;
    private final TokenService tokens;
    private final Clock clock;

    StaffService(AccountRepository accounts, TenantService tenants, PasswordEncoder passwords, EventPublisher events,
            TokenService tokens, Clock clock) {
        this.accounts = accounts;
        this.tenants = tenants;
        this.passwords = passwords;
        this.events = events;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Transactional
    public AccountView create(KefuPrincipal actor, StaffRequest request) {
        UUID tenantId = tenantFor(actor, request.tenantId());
        if (!tenants.exists(tenantId)) {
            throw new KefuProblemException(ProblemType.VALIDATION, "No tenant " + tenantId);
        }
        if (blank(request.wechatOpenid()) && (blank(request.username()) || blank(request.password()))) {
            throw new KefuProblemException(NO_CREDENTIAL, "Give a wechatOpenid, or a username and a password");
        }
        Instant now = clock.instant();
        Account staff = new Account(UUID.randomUUID(), tenantId, TYPE, now);
        apply(staff, request);
        save(staff);
        events.publish(new StaffCreated(staff.id.toString(), tenantId.toString(), staff.name, staff.roleList(), staff.department,
                staff.maxConcurrentChats, staff.active, staff.wecomUserId, now), tenantId.toString(), staff.id.toString());
        return AccountService.view(staff);
    }

    @Transactional
    public AccountView update(KefuPrincipal actor, UUID id, StaffRequest request) {
        Account staff = owned(actor, id);
        AccountGuards.checkVersion(staff, request.version());
        boolean wasActive = staff.active;
        apply(staff, request);
        if (staff.wechatOpenid == null && (staff.username == null || staff.passwordHash == null)) {
            throw new KefuProblemException(NO_CREDENTIAL, "Give a wechatOpenid, or a username and a password");
        }
        Instant now = clock.instant();
        staff.updatedAt = now;
        save(staff);
        String tenant = staff.tenantId.toString();
        events.publish(new StaffUpdated(staff.id.toString(), tenant, staff.name, staff.roleList(), staff.department,
                staff.maxConcurrentChats, staff.active, staff.wecomUserId, staff.version, now), tenant, staff.id.toString());
        if (wasActive && !staff.active) {
            tokens.revokeAllFor(staff.id); // refresh stops working; access tokens end within their short lifetime
            events.publish(new StaffDeactivated(staff.id.toString(), tenant, now), tenant, staff.id.toString());
        }
        return AccountService.view(staff);
    }

    @Transactional(readOnly = true)
    public AccountView get(KefuPrincipal actor, UUID id) {
        return AccountService.view(owned(actor, id));
    }

    @Transactional(readOnly = true)
    public List<AccountView> list(KefuPrincipal actor, UUID tenantId) {
        if (actor.isSuperadmin() && tenantId == null) {
            return accounts.findByTypeOrderByCreatedAt(TYPE).stream().map(AccountService::view).toList();
        }
        return accounts.findByTypeAndTenantIdOrderByCreatedAt(TYPE, tenantFor(actor, tenantId)).stream()
                .map(AccountService::view).toList();
    }

    private void apply(Account staff, StaffRequest r) {
        staff.name = r.name().strip();
        if (r.wechatOpenid() != null) {
            staff.wechatOpenid = blank(r.wechatOpenid()) ? null : r.wechatOpenid().strip();
        }
        if (r.wecomUserId() != null) {
            staff.wecomUserId = blank(r.wecomUserId()) ? null : r.wecomUserId().strip();
        }
        if (r.username() != null) {
            staff.username = blank(r.username()) ? null : r.username().strip();
        }
        if (!blank(r.password())) {
            staff.passwordHash = passwords.encode(r.password());
        }
        List<String> roles = r.roles() == null || r.roles().isEmpty() ? List.of("agent") : r.roles().stream().distinct().toList();
        staff.roles = String.join(",", roles);
        staff.department = r.department();
        staff.avatar = r.avatar();
        if (r.maxConcurrentChats() != null) {
            staff.maxConcurrentChats = r.maxConcurrentChats();
        }
        if (r.active() != null) {
            staff.active = r.active();
        }
    }

    private void save(Account staff) {
        if (staff.wechatOpenid != null) {
            accounts.findByTenantIdAndWechatOpenid(staff.tenantId, staff.wechatOpenid).filter(other -> !other.id.equals(staff.id))
                    .ifPresent(other -> {
                        throw new KefuProblemException(OPENID_TAKEN, "This WeChat account is already a staff member of the tenant");
                    });
        }
        if (staff.wecomUserId != null) {
            accounts.findByTenantIdAndWecomUserId(staff.tenantId, staff.wecomUserId).filter(other -> !other.id.equals(staff.id))
                    .ifPresent(other -> {
                        throw new KefuProblemException(WECOM_USER_TAKEN, "This WeCom userid belongs to another staff member of the tenant");
                    });
        }
        AccountGuards.saveWithUniqueUsername(accounts, staff);
    }

    private Account owned(KefuPrincipal actor, UUID id) {
        return AccountGuards.owned(accounts, actor, id, TYPE);
    }

    private static UUID tenantFor(KefuPrincipal actor, UUID requested) {
        return AccountGuards.tenantFor(actor, requested);
    }

    private static boolean blank(String s) {
        return AccountGuards.blank(s);
    }
}
