package io.kefu.auth.token;

import java.util.Optional;
import java.util.UUID;

/**
 * Reloads a token subject on refresh, so role changes, tenant moves and deactivation apply to the
 * next access token. Empty means the subject may no longer sign in. Implemented where customers and
 * accounts are known (the login package), so tokens stay independent of them.
 */
public interface SubjectLoader {

    Optional<TokenSubject> load(UUID subjectId, String kind);
}
