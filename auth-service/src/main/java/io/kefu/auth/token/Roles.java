package io.kefu.auth.token;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The contract's role inclusion: admin implies supervisor implies agent. Tokens carry the implied roles. */
public final class Roles {

    public static final Set<String> STAFF_ROLES = Set.of("agent", "supervisor", "admin");

    private Roles() {
    }

    public static List<String> expand(Collection<String> roles) {
        Set<String> out = new LinkedHashSet<>();
        for (String role : roles) {
            out.add(role);
            if (role.equals("admin")) {
                out.add("supervisor");
                out.add("agent");
            } else if (role.equals("supervisor")) {
                out.add("agent");
            }
        }
        return List.copyOf(out);
    }
}
