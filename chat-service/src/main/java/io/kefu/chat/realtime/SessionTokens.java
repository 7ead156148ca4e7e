package io.kefu.chat.realtime;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.security.KefuJwtValidators;
import io.kefu.common.security.SecurityProperties;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.socket.messaging.SessionConnectedEvent;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

/**
 * A STOMP session lives no longer than the token it connected with. Its token is checked again on every
 * SUBSCRIBE and SEND ({@link FrameGuard}) and, for sessions that send nothing, every {@code token-check};
 * once it has expired or been revoked the session gets an ERROR frame, after which Spring closes it.
 * The checks are the ones every HTTP request gets ({@link KefuJwtValidators}: expiry with the same clock
 * skew, the logout denylist in Redis), minus the signature, which cannot change.
 */
@Component
class SessionTokens implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(SessionTokens.class);

    private final OAuth2TokenValidator<Jwt> validator;
    private final LiveProperties<RealtimeProperties> properties;
    private final SingletonSupplier<MessageChannel> clientOutbound;
    /** This instance's sessions: session id → CONNECT token. */
    private final Map<String, Jwt> local = new ConcurrentHashMap<>();

    SessionTokens(LiveProperties<SecurityProperties> security, ObjectProvider<RedissonClient> redisson,
            LiveProperties<RealtimeProperties> properties, BeanFactory beans) {
        this.validator = KefuJwtValidators.of(security.get(), redisson.getIfAvailable(), Clock.systemUTC());
        this.properties = properties;
        // Looked up when first needed: the broker configuration that makes the channel also builds FrameGuard.
        this.clientOutbound = SingletonSupplier.of(() -> beans.getBean("clientOutboundChannel", MessageChannel.class));
    }

    /** Why a frame with this token is refused now, or null while the token is good. */
    @Nullable String refusal(Jwt token) {
        OAuth2TokenValidatorResult result = validator.validate(token);
        if (!result.hasErrors()) {
            return null;
        }
        OAuth2Error error = result.getErrors().iterator().next();
        return switch (error.getErrorCode()) {
            case KefuJwtValidators.TOKEN_EXPIRED -> "unauthorized: the access token expired at " + token.getExpiresAt()
                    + "; connect again with a fresh one";
            case KefuJwtValidators.TOKEN_REVOKED -> "unauthorized: the access token was revoked";
            default -> "unauthorized: " + error.getDescription();
        };
    }

    /** Sends {@code reason} as a STOMP ERROR frame; Spring's STOMP handler closes the socket after it. */
    void end(String sessionId, String reason, @Nullable String receipt) {
        StompHeaderAccessor error = StompHeaderAccessor.create(StompCommand.ERROR);
        error.setMessage(reason);
        error.setSessionId(sessionId);
        if (receipt != null) {
            error.setReceiptId(receipt);
        }
        error.setLeaveMutable(true);
        clientOutbound.obtain().send(MessageBuilder.createMessage(new byte[0], error.getMessageHeaders()));
    }

    @EventListener
    void connected(SessionConnectedEvent event) {
        String session = SimpMessageHeaderAccessor.getSessionId(event.getMessage().getHeaders());
        if (session != null && event.getUser() instanceof StompUser user) {
            local.put(session, user.token());
        }
    }

    @EventListener
    void disconnected(SessionDisconnectEvent event) {
        local.remove(event.getSessionId());
    }

    /** Ends the sessions whose token expired or was revoked while they sent nothing. */
    void checkIdle() {
        local.forEach((session, token) -> {
            String reason;
            try {
                reason = refusal(token);
            } catch (RuntimeException e) {
                // Redis (the denylist) unreachable: keep the session; the next check or frame asks again.
                log.warn("Could not check the token of STOMP session {}: {}", session, e.toString());
                return;
            }
            if (reason != null && local.remove(session) != null) {
                end(session, reason, null);
            }
        });
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addTriggerTask(this::checkIdle, new Every(() -> properties.get().tokenCheck()));
    }
}
