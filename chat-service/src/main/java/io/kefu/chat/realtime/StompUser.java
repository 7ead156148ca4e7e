package io.kefu.chat.realtime;

import java.security.Principal;

import io.kefu.common.security.KefuPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The STOMP session's user: named by user id, so /user destinations reach every session of that
 * person. {@code token} is the decoded CONNECT token, kept so that each later frame (and the idle
 * check) can see whether it has expired or been revoked since.
 */
record StompUser(KefuPrincipal principal, Jwt token) implements Principal {

    @Override
    public String getName() {
        return principal.userId().toString();
    }
}
