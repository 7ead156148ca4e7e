package io.kefu.chat.realtime;

import java.security.Principal;

import io.kefu.common.security.KefuPrincipal;
import org.jspecify.annotations.Nullable;

/**
 * The STOMP session's user: named by user id, so /user destinations reach every session of that
 * person. {@code expiresAt} is the CONNECT token's expiry: frames after it are refused.
 */
record StompUser(KefuPrincipal principal, java.time.@Nullable Instant expiresAt) implements Principal {

    @Override
    public String getName() {
        return principal.userId().toString();
    }
}
