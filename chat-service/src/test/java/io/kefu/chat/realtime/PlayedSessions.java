package io.kefu.chat.realtime;

import io.kefu.common.security.KefuPrincipal;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.messaging.SessionConnectedEvent;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

/**
 * The events Spring publishes when a STOMP session connects and closes, for sessions without a socket: many
 * sessions for what a pass over them does (refresh, idle check), which real clients would make slow to open.
 */
final class PlayedSessions {

    private PlayedSessions() {
    }

    static SessionConnectedEvent connected(String session, KefuPrincipal user, Jwt token) {
        return new SessionConnectedEvent(PlayedSessions.class, frame(StompCommand.CONNECTED, session), new StompUser(user, token));
    }

    static SessionDisconnectEvent disconnected(String session, KefuPrincipal user, Jwt token) {
        return new SessionDisconnectEvent(PlayedSessions.class, frame(StompCommand.DISCONNECT, session), session, CloseStatus.NORMAL,
                new StompUser(user, token));
    }

    private static Message<byte[]> frame(StompCommand command, String session) {
        StompHeaderAccessor headers = StompHeaderAccessor.create(command);
        headers.setSessionId(session);
        return MessageBuilder.createMessage(new byte[0], headers.getMessageHeaders());
    }
}
