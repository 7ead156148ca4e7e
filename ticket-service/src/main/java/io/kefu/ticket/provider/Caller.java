package io.kefu.ticket.provider;

import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;

/**
 * Who is calling ticket-service, read from the validated token: a service provider (sees and acts on
 * their own customers and those customers' tickets), the tenant's staff (agents see every ticket of
 * the tenant; admins also manage the provider's customers) or a chat customer (their own tickets).
 * Every query is scoped by {@link #tenantId()}; a token without a tenant (superadmin) is refused.
 */
public record Caller(UUID userId, UUID tenantId, Kind kind, boolean admin) {

    public enum Kind { PROVIDER, STAFF, CUSTOMER }

    public static Caller require() {
        return of(KefuPrincipal.require());
    }

    public static Caller of(KefuPrincipal principal) {
        if (principal.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "ticket-service answers tenant accounts only; this token names no tenant");
        }
        boolean admin = principal.hasRole("admin");
        if (admin || principal.hasRole("agent") || principal.hasRole("supervisor")) {
            return new Caller(principal.userId(), principal.tenantId(), Kind.STAFF, admin);
        }
        if (principal.hasRole("provider")) {
            return new Caller(principal.userId(), principal.tenantId(), Kind.PROVIDER, false);
        }
        if (principal.hasRole("customer")) {
            return new Caller(principal.userId(), principal.tenantId(), Kind.CUSTOMER, false);
        }
        throw new KefuProblemException(ProblemType.FORBIDDEN, "This account has no role ticket-service answers");
    }

    public boolean isProvider() {
        return kind == Kind.PROVIDER;
    }

    public boolean isStaff() {
        return kind == Kind.STAFF;
    }

    public boolean isCustomer() {
        return kind == Kind.CUSTOMER;
    }

    /** Operator type written into histories: provider, staff or customer. */
    public String operatorType() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    public void requireAdmin() {
        if (!admin) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only the tenant's admins may do this");
        }
    }

    public void requireNotCustomer() {
        if (kind == Kind.CUSTOMER) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Customers cannot do this");
        }
    }
}
