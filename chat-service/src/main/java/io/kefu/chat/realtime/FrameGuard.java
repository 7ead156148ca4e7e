package io.kefu.chat.realtime;

import java.security.Principal;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.kefu.common.security.KefuPrincipal;
import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Checks every inbound frame: CONNECT must carry a valid access token (header {@code Authorization:
 * Bearer …} or {@code token}); SUBSCRIBE only to one's own {@code /user/queue/**} and, for staff, their
 * tenant's status topic; SEND only to the chat destinations; no SUBSCRIBE or SEND once the CONNECT
 * token has expired or been revoked ({@link SessionTokens}). A refused frame never takes effect; the
 * client gets a STOMP ERROR frame saying why, which ends the session. After a DISCONNECT frame nothing
 * more on that socket takes effect; a socket that has not CONNECTed within {@code connect-timeout} is
 * closed ({@link RealtimeConfiguration}).
 */
class FrameGuard implements ChannelInterceptor {

    static final Set<String> SEND_DESTINATIONS = Set.of("/app/chat.send", "/app/chat.delivered", "/app/chat.read", "/app/chat.typing",
            "/app/chat.ping");

    /** Session attributes (the WebSocket session's, shared by all its frames). */
    static final String CONNECTED = "kefu.stomp.connected";
    static final String DISCONNECTED = "kefu.stomp.disconnected";

    private final JwtDecoder jwtDecoder;
    private final Supplier<SessionTokens> tokens;

    FrameGuard(JwtDecoder jwtDecoder, Supplier<SessionTokens> tokens) {
        this.jwtDecoder = jwtDecoder;
        this.tokens = tokens;
    }

    /**
     * Frames are handled off the socket's thread (in order per session), where a thrown exception would
     * not reach the client; so a refusal is answered here with an ERROR frame and the frame is dropped.
     */
    @Override
    public @Nullable Message<?> preSend(Message<?> message, MessageChannel channel) {
        StompHeaderAccessor accessor = MessageHeaderAccessor.getAccessor(message, StompHeaderAccessor.class);
        if (accessor == null || accessor.getCommand() == null) {
            return message;
        }
        java.util.Map<String, Object> session = accessor.getSessionAttributes();
        if (session != null && session.containsKey(DISCONNECTED)) {
            // The client said DISCONNECT: nothing it sends on this socket afterwards takes effect. It is told
            // so (an ERROR frame, after which the socket is closed) rather than left waiting.
            if (accessor.getCommand() != StompCommand.DISCONNECT) {
                tokens.get().end(accessor.getSessionId(), "disconnected: this session sent DISCONNECT; connect again", accessor.getReceipt());
            }
            return null;
        }
        try {
            check(accessor);
            if (session != null && (accessor.getCommand() == StompCommand.CONNECT || accessor.getCommand() == StompCommand.STOMP)) {
                session.put(CONNECTED, Boolean.TRUE);
            } else if (session != null && accessor.getCommand() == StompCommand.DISCONNECT) {
                session.put(DISCONNECTED, Boolean.TRUE);
            }
            return message;
        } catch (MessageDeliveryException refused) {
            tokens.get().end(accessor.getSessionId(), refused.getMessage(), accessor.getReceipt());
            return null;
        }
    }

    private void check(StompHeaderAccessor accessor) {
        StompCommand command = accessor.getCommand();
        if (command == StompCommand.CONNECT || command == StompCommand.STOMP) {
            accessor.setUser(authenticate(accessor));
            return;
        }
        if (command == StompCommand.DISCONNECT || command == StompCommand.UNSUBSCRIBE || command == null) {
            return;
        }
        KefuPrincipal principal = principal(accessor.getUser());
        String refusal = accessor.getUser() instanceof StompUser user ? tokens.get().refusal(user.token()) : null;
        if (refusal != null) {
            throw new MessageDeliveryException(refusal);
        }
        String destination = accessor.getDestination();
        if (command == StompCommand.SUBSCRIBE && !maySubscribe(principal, destination)) {
            throw new MessageDeliveryException("forbidden: you may not subscribe to " + destination);
        }
        if (command == StompCommand.SEND && (destination == null || !SEND_DESTINATIONS.contains(destination))) {
            throw new MessageDeliveryException("forbidden: you may not send to " + destination);
        }
    }

    static boolean maySubscribe(KefuPrincipal principal, @Nullable String destination) {
        if (destination == null || destination.contains("..") || destination.contains("*") || destination.contains("#")) {
            return false;
        }
        if (destination.startsWith("/user/queue/")) {
            return true;
        }
        return principal.hasRole("agent") && principal.tenantId() != null
                && destination.equals("/topic/staff." + principal.tenantId() + ".status");
    }

    private StompUser authenticate(StompHeaderAccessor accessor) {
        String token = token(accessor.getNativeHeader("Authorization"), true);
        if (token == null) {
            token = token(accessor.getNativeHeader("token"), false);
        }
        if (token == null) {
            throw new MessageDeliveryException("unauthorized: CONNECT needs an access token (Authorization: Bearer …)");
        }
        try {
            Jwt jwt = jwtDecoder.decode(token);
            return new StompUser(KefuPrincipal.from(jwt), jwt);
        } catch (JwtException | IllegalArgumentException e) {
            throw new MessageDeliveryException("unauthorized: " + e.getMessage());
        }
    }

    private static @Nullable String token(@Nullable List<String> values, boolean bearer) {
        if (values == null || values.isEmpty() || values.getFirst() == null) {
            return null;
        }
        String value = values.getFirst().trim();
        if (bearer) {
            return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : null;
        }
        return value.isEmpty() ? null : value;
    }

    static KefuPrincipal principal(@Nullable Principal user) {
        if (user instanceof StompUser stompUser) {
            return stompUser.principal();
        }
        throw new MessageDeliveryException("unauthorized: connect with a token first");
    }
}
