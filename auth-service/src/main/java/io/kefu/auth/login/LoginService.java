package io.kefu.auth.login;

import java.util.Map;

import io.kefu.auth.account.AccountDtos.AccountView;
import io.kefu.auth.account.AccountDtos.PasswordCheck;
import io.kefu.auth.account.AccountService;
import io.kefu.auth.customer.CustomerDtos.CustomerView;
import io.kefu.auth.customer.CustomerDtos.ProfileSeed;
import io.kefu.auth.customer.CustomerDtos.Resolution;
import io.kefu.auth.customer.CustomerDtos.ResolveRequest;
import io.kefu.auth.customer.CustomerService;
import io.kefu.auth.customer.IdentityKind;
import io.kefu.auth.login.LoginDtos.PasswordLoginRequest;
import io.kefu.auth.login.LoginDtos.StaffLoginRequest;
import io.kefu.auth.login.LoginDtos.TokenResponse;
import io.kefu.auth.login.LoginDtos.UserInfo;
import io.kefu.auth.login.LoginDtos.WeChatLoginRequest;
import io.kefu.auth.tenant.TenantDtos.MiniApp;
import io.kefu.auth.tenant.TenantService;
import io.kefu.auth.token.IssuedTokens;
import io.kefu.auth.token.TokenService;
import io.kefu.auth.wechat.WeChatLogin;
import io.kefu.auth.wechat.WeChatSession;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/** The three ways to sign in, each audited whatever its outcome. */
@Service
class LoginService {

    static final ProblemType UNKNOWN_APP = new ProblemType("unknown-app", HttpStatus.BAD_REQUEST, "Unknown mini-program");
    static final ProblemType TENANT_DISABLED = new ProblemType("tenant-disabled", HttpStatus.FORBIDDEN, "Tenant disabled");
    static final ProblemType INVALID_CREDENTIALS = new ProblemType("invalid-credentials", HttpStatus.UNAUTHORIZED, "Wrong username or password");
    static final ProblemType ACCOUNT_LOCKED = new ProblemType("account-locked", HttpStatus.LOCKED, "Account locked");
    static final ProblemType STAFF_NOT_REGISTERED = new ProblemType("staff-not-registered", HttpStatus.FORBIDDEN, "Not a registered staff member");
    static final ProblemType STAFF_DISABLED = new ProblemType("staff-disabled", HttpStatus.FORBIDDEN, "Staff member disabled");

    private final TenantService tenants;
    private final WeChatLogin wechat;
    private final CustomerService customers;
    private final AccountService accounts;
    private final TokenService tokens;
    private final LoginAudit audit;
    private final WeChatLoginLimiter limiter;

    LoginService(TenantService tenants, WeChatLogin wechat, CustomerService customers, AccountService accounts, TokenService tokens,
            LoginAudit audit, WeChatLoginLimiter limiter) {
        this.limiter = limiter;
        this.tenants = tenants;
        this.wechat = wechat;
        this.customers = customers;
        this.accounts = accounts;
        this.tokens = tokens;
        this.audit = audit;
    }

    /** A customer in a tenant's mini-program: code → openid → customer (created on first login) → tokens. */
    TokenResponse customerWeChat(WeChatLoginRequest request, HttpServletRequest http) {
        MiniApp app = miniApp(request.appId(), "wechat", http);
        WeChatSession session = codeToSession(app, request.code(), "wechat", http);
        limited(app, session, "wechat", http);
        UserInfo info = request.userInfo();
        ProfileSeed seed = info == null ? ProfileSeed.NONE
                : new ProfileSeed(info.nickName(), info.avatarUrl(), info.gender(), info.city(), info.province(), info.country());
        Resolution resolved = customers.resolve(new ResolveRequest(app.tenantId(), IdentityKind.MINIAPP_OPENID, app.appId(),
                session.openid(), session.unionid()), seed);
        CustomerView customer = customers.touch(resolved.customerId());
        if (!"active".equals(customer.status())) {
            audit.record(customer.id(), principal(app, session), "wechat", "disabled", http);
            throw new KefuProblemException(TokenService.ACCOUNT_DISABLED, "This customer account is disabled");
        }
        IssuedTokens issued = tokens.issue(AuthSubjects.customer(customer));
        audit.record(customer.id(), principal(app, session), "wechat", resolved.created() ? "success-registered" : "success", http);
        return TokenResponse.of(issued, customer);
    }

    /** Staff sign in with WeChat too, but only when an admin registered their openid beforehand (seed §6.1). */
    TokenResponse staffWeChat(StaffLoginRequest request, HttpServletRequest http) {
        MiniApp app = miniApp(request.appId(), "staff-wechat", http);
        WeChatSession session = codeToSession(app, request.code(), "staff-wechat", http);
        limited(app, session, "staff-wechat", http);
        AccountView staff = accounts.staffByOpenid(app.tenantId(), session.openid()).orElse(null);
        if (staff == null) {
            audit.record(null, principal(app, session), "staff-wechat", "not-registered", http);
            throw new KefuProblemException(STAFF_NOT_REGISTERED, "This WeChat account is not a registered staff member; ask your admin");
        }
        if (!staff.active()) {
            audit.record(staff.id(), principal(app, session), "staff-wechat", "disabled", http);
            throw new KefuProblemException(STAFF_DISABLED, "This staff account is disabled");
        }
        accounts.recordLogin(staff.id());
        IssuedTokens issued = tokens.issue(AccountService.subjectOf(staff));
        audit.record(staff.id(), principal(app, session), "staff-wechat", "success", http);
        return TokenResponse.of(issued, staff);
    }

    /** Providers, staff with a password, tenant admins and the superadmin. */
    TokenResponse password(PasswordLoginRequest request, HttpServletRequest http) {
        String username = request.username().strip();
        PasswordCheck check = checkPassword(username, request.password());
        switch (check) {
            case PasswordCheck.Success success -> {
                IssuedTokens issued = tokens.issue(AccountService.subjectOf(success.account()));
                audit.record(success.account().id(), username, "password", "success", http);
                return TokenResponse.of(issued, success.account());
            }
            case PasswordCheck.UnknownUser unknown -> {
                audit.record(null, username, "password", "unknown-user", http);
                throw new KefuProblemException(INVALID_CREDENTIALS, "Wrong username or password");
            }
            case PasswordCheck.WrongPassword wrong -> {
                audit.record(wrong.accountId(), username, "password", "wrong-password", http);
                throw new KefuProblemException(INVALID_CREDENTIALS, "Wrong username or password");
            }
            case PasswordCheck.Locked locked -> {
                audit.record(locked.accountId(), username, "password", "locked", http);
                throw new KefuProblemException(ACCOUNT_LOCKED, "Too many failed attempts; try again after " + locked.lockedUntil(),
                        Map.of("lockedUntil", locked.lockedUntil().toString()));
            }
            case PasswordCheck.Disabled disabled -> {
                audit.record(disabled.accountId(), username, "password", "disabled", http);
                throw new KefuProblemException(TokenService.ACCOUNT_DISABLED, "This account is disabled");
            }
        }
    }

    /** Concurrent wrong attempts on one account race on its version: check again, each counts. */
    private PasswordCheck checkPassword(String username, String password) {
        for (int attempt = 1; ; attempt++) {
            try {
                return accounts.checkPassword(username, password);
            } catch (OptimisticLockingFailureException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private MiniApp miniApp(String appId, String kind, HttpServletRequest http) {
        MiniApp app = tenants.miniApp(appId.strip()).orElse(null);
        if (app == null) {
            audit.record(null, appId, kind, "unknown-app", http);
            throw new KefuProblemException(UNKNOWN_APP, "No tenant has mini-program " + appId);
        }
        if (!app.tenantActive()) {
            audit.record(null, appId, kind, "tenant-disabled", http);
            throw new KefuProblemException(TENANT_DISABLED, "This tenant is disabled");
        }
        return app;
    }

    /** The per-user limit, now that the code told who it is (the gateway could only key by appId + code). */
    private void limited(MiniApp app, WeChatSession session, String kind, HttpServletRequest http) {
        try {
            limiter.acquire(app.appId(), session.openid());
        } catch (KefuProblemException refused) {
            audit.record(null, principal(app, session), kind, "rate-limited", http);
            throw refused;
        }
    }

    private WeChatSession codeToSession(MiniApp app, String code, String kind, HttpServletRequest http) {
        try {
            return wechat.codeToSession(app.appId(), app.secret(), code);
        } catch (KefuProblemException e) {
            audit.record(null, app.appId(), kind, e.problem().code(), http);
            throw e;
        }
    }

    private static String principal(MiniApp app, WeChatSession session) {
        return app.appId() + ":" + session.openid();
    }
}
