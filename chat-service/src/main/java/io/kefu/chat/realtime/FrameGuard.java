package io.kefu.chat.realtime;

import java.security.Principal;
import java.util.List;
import java.util.Set;

import io.kefu.common.security.KefuPrincipal;
import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Checks every inbound frame: CONNECT must carry a valid access token (header {@code Authorization:
 * Bearer …} or {@code token}); SUBSCRIBE only to one's own {@code /user/queue/**} and, for staff, their
 * tenant's status topic; SEND only to the chat destinations; no SUBSCRIBE or SEND once the CONNECT
 * token has expired (the ERROR frame then ends the session). A refused frame never takes effect; the
 * client gets a STOMP ERROR frame saying why.
 */
class FrameGuard implements ChannelInterceptor {

    static final Set<String> SEND_DESTINATIONS = Set.of("/app/chat.send", "/app/chat.delivered", "/app/chat.read", "/app/chat.typing",
            "/app/chat.ping");

    private final JwtDecoder jwtDecoder;
    private final java.util.function.Supplier<MessageChannel> clientOutbound;

    FrameGuard(JwtDecoder jwtDecoder, java.util.function.Supplier<MessageChannel> clientOutbound) {
        this.jwtDecoder = jwtDecoder;
        this.clientOutbound = clientOutbound;
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
        try {
            check(accessor);
            return message;
        } catch (MessageDeliveryException refused) {
            refuse(accessor, refused.getMessage());
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
        if (accessor.getUser() instanceof StompUser user && user.expiresAt() != null && java.time.Instant.now().isAfter(user.expiresAt())) {
            // A session lives no longer than the token it was opened with (revocation ends at the latest then too).
            throw new MessageDeliveryException("unauthorized: the access token expired at " + user.expiresAt()
                    + "; connect again with a fresh one");
        }
        String destination = accessor.getDestination();
        if (command == StompCommand.SUBSCRIBE && !maySubscribe(principal, destination)) {
            throw new MessageDeliveryException("forbidden: you may not subscribe to " + destination);
        }
        if (command == StompCommand.SEND && (destination == null || !SEND_DESTINATIONS.contains(destination))) {
            throw new MessageDeliveryException("forbidden: you may not send to " + destination);
        }
    }

    private void refuse(StompHeaderAccessor frame, String reason) {
        StompHeaderAccessor error = StompHeaderAccessor.create(StompCommand.ERROR);
        error.setMessage(reason);
        error.setSessionId(frame.getSessionId());
        if (frame.getReceipt() != null) {
            error.setReceiptId(frame.getReceipt());
        }
        error.setLeaveMutable(true);
        clientOutbound.get().send(org.springframework.messaging.support.MessageBuilder.createMessage(new byte[0], error.getMessageHeaders()));
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
            org.springframework.security.oauth2.jwt.Jwt jwt = jwtDecoder.decode(token);
            return new StompUser(KefuPrincipal.from(jwt), jwt.getExpiresAt());
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
