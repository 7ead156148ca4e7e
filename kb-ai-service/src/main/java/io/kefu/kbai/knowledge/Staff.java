package io.kefu.kbai.knowledge;

import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;

/**
 * Who may do what under {@code /api/kb/**}: agents read (items, search), supervisors and admins
 * (admin implies supervisor) manage. Always within the caller's own tenant.
 */
public final class Staff {

    private Staff() {
    }

    public static KefuPrincipal reader() {
        return require("agent");
    }

    public static KefuPrincipal manager() {
        return require("supervisor");
    }

    public static UUID tenant(KefuPrincipal principal) {
        return principal.tenantId();
    }

    private static KefuPrincipal require(String role) {
        KefuPrincipal me = KefuPrincipal.require();
        if (me.tenantId() == null || !me.hasRole(role)) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "This needs the " + role + " role in a tenant");
        }
        return me;
    }
}
