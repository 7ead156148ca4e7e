package io.kefu.chat.realtime;

import java.security.Principal;

import io.kefu.common.security.KefuPrincipal;

/** The STOMP session's user: named by user id, so /user destinations reach every session of that person. */
record StompUser(KefuPrincipal principal) implements Principal {

    @Override
    public String getName() {
        return principal.userId().toString();
    }
}
