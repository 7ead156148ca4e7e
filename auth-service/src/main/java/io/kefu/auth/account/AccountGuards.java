package io.kefu.auth.account;

import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;

/** Rules shared by every admin-managed kind of account (staff, providers). */
final class AccountGuards {

    static final ProblemType USERNAME_TAKEN = new ProblemType("username-taken", HttpStatus.CONFLICT, "Username taken");

    private AccountGuards() {
    }

    /** Admins act inside their own tenant; a superadmin names the tenant. */
    static UUID tenantFor(KefuPrincipal actor, UUID requested) {
        if (actor.isSuperadmin()) {
            if (requested == null) {
                throw new KefuProblemException(ProblemType.VALIDATION, "tenantId is required for a superadmin");
            }
            return requested;
        }
        if (actor.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Your token names no tenant");
        }
        if (requested != null && !requested.equals(actor.tenantId())) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Admins manage only their own tenant's accounts");
        }
        return actor.tenantId();
    }

    /** The account of {@code type}, if the actor may see it; another tenant's accounts look absent. */
    static Account owned(AccountRepository accounts, KefuPrincipal actor, UUID id, String type) {
        return accounts.findById(id)
                .filter(a -> type.equals(a.type))
                .filter(a -> actor.isSuperadmin() || a.tenantId.equals(actor.tenantId()))
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No " + type + " " + id));
    }

    /** Saves, refusing a username another account has (usernames are global). */
    static void saveWithUniqueUsername(AccountRepository accounts, Account account) {
        if (account.username != null) {
            accounts.findByUsername(account.username).filter(other -> !other.id.equals(account.id)).ifPresent(other -> {
                throw new KefuProblemException(USERNAME_TAKEN, "Username '" + account.username + "' is taken");
            });
        }
        try {
            accounts.saveAndFlush(account);
        } catch (DataIntegrityViolationException e) {
            throw new KefuProblemException(ProblemType.CONFLICT, "Username or WeChat account was registered concurrently");
        }
    }

    static void checkVersion(Account account, Long expected) {
        if (expected != null && expected != account.version) {
            throw new KefuProblemException(ProblemType.CONFLICT, "The account changed since version " + expected,
                    java.util.Map.of("currentVersion", account.version));
        }
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
