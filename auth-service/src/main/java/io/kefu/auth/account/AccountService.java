package io.kefu.auth.account;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import io.kefu.auth.account.AccountDtos.AccountView;
import io.kefu.auth.account.AccountDtos.PasswordCheck;
import io.kefu.auth.config.AuthProperties;
import io.kefu.auth.token.Roles;
import io.kefu.auth.token.TokenSubject;
import io.kefu.common.config.LiveProperties;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Password checks with lockout, staff lookup by WeChat openid, and the token subject of an account. */
@Service
public class AccountService {

    private final AccountRepository accounts;
    private final PasswordEncoder passwords;
    private final LiveProperties<AuthProperties> properties;
    private final Clock clock;
    /** Hash compared against when the user is unknown, so both cases take as long. */
    private final String decoyHash;

    AccountService(AccountRepository accounts, PasswordEncoder passwords, LiveProperties<AuthProperties> properties, Clock clock) {
        this.accounts = accounts;
        this.passwords = passwords;
        this.properties = properties;
        this.clock = clock;
        this.decoyHash = passwords.encode("decoy-" + UUID.randomUUID());
    }

    /**
     * Checks a password and records the outcome on the account (failed-attempt counter, lock) in the
     * same transaction; it returns rather than throws so that the counters are committed.
     */
    @Transactional
    public PasswordCheck checkPassword(String username, String password) {
        Instant now = clock.instant();
        Optional<Account> found = accounts.findByUsername(username.strip());
        if (found.isEmpty() || found.get().passwordHash == null) {
            passwords.matches(password, decoyHash);
            return new PasswordCheck.UnknownUser();
        }
        Account account = found.get();
        if (account.lockedUntil != null && account.lockedUntil.isAfter(now)) {
            return new PasswordCheck.Locked(account.id, account.lockedUntil);
        }
        AuthProperties props = properties.get();
        if (!passwords.matches(password, account.passwordHash)) {
            account.failedAttempts++;
            if (account.failedAttempts >= props.maxFailedAttempts()) {
                account.failedAttempts = 0;
                account.lockedUntil = now.plus(props.lockDuration());
                accounts.saveAndFlush(account);
                return new PasswordCheck.Locked(account.id, account.lockedUntil);
            }
            accounts.saveAndFlush(account);
            return new PasswordCheck.WrongPassword(account.id, props.maxFailedAttempts() - account.failedAttempts);
        }
        if (!account.active) {
            return new PasswordCheck.Disabled(account.id);
        }
        account.failedAttempts = 0;
        account.lockedUntil = null;
        account.lastLoginAt = now;
        if (passwords.upgradeEncoding(account.passwordHash)) {
            account.passwordHash = passwords.encode(password); // e.g. a stronger bcrypt cost or a new default
        }
        accounts.saveAndFlush(account);
        return new PasswordCheck.Success(view(account));
    }

    @Transactional(readOnly = true)
    public Optional<AccountView> staffByOpenid(UUID tenantId, String openid) {
        return accounts.findByTenantIdAndWechatOpenid(tenantId, openid).map(AccountService::view);
    }

    @Transactional
    public void recordLogin(UUID accountId) {
        accounts.findById(accountId).ifPresent(a -> a.lastLoginAt = clock.instant());
    }

    @Transactional(readOnly = true)
    public Optional<TokenSubject> subject(UUID accountId) {
        return accounts.findById(accountId).filter(a -> a.active).map(a -> subjectOf(view(a)));
    }

    public static TokenSubject subjectOf(AccountView account) {
        return new TokenSubject(account.id(), account.tenantId(), account.type(), Roles.expand(account.roles()), TokenSubject.ACCOUNT);
    }

    static AccountView view(Account a) {
        return new AccountView(a.id, a.tenantId, a.type, a.name, a.username, a.wechatOpenid != null, a.wecomUserId, a.avatar, a.department,
                a.roleList(), a.maxConcurrentChats, a.active, a.lockedUntil, a.lastLoginAt, a.version, a.createdAt, a.updatedAt);
    }
}
