package io.kefu.auth.token;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Whom a token is for, as the claims say it.
 *
 * @param kind which table the subject lives in ({@code customer} or {@code account}), for refresh
 */
public record TokenSubject(UUID subjectId, @Nullable UUID tenantId, String type, List<String> roles, String kind) {

    public static final String CUSTOMER = "customer";
    public static final String ACCOUNT = "account";

    public TokenSubject {
        roles = List.copyOf(roles);
    }
}
