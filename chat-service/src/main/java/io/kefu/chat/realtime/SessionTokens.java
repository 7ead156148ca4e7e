package io.kefu.chat.realtime;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * skew, the logout denylist in Redis), minus the signature, which cannot change. The idle check looks at
 * expiry and the claims locally and asks Redis about the denylist for {@value #REVOCATION_BATCH} sessions at a
 * time (one {@code MGET}), so that a pass over 10,000 sessions is a few dozen round trips, not 10,000.
 */
@Component
class SessionTokens implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(SessionTokens.class);
    static final int REVOCATION_BATCH = 500;
    private static final String REVOKED = "unauthorized: the access token was revoked";

    /** Every check, the denylist included: for a frame. */
    private final OAuth2TokenValidator<Jwt> validator;
    /** The same checks without the denylist: the idle check asks Redis for many sessions at once instead. */
    private final OAuth2TokenValidator<Jwt> localChecks;
    /** Null when revocation is not checked ({@code kefu.security.check-revoked=false}) or there is no Redis. */
    private final @Nullable RedissonClient denylist;
    private final LiveProperties<RealtimeProperties> properties;
    private final SingletonSupplier<MessageChannel> clientOutbound;
    /** This instance's sessions: session id → CONNECT token. */
    private final Map<String, Jwt> local = new ConcurrentHashMap<>();

    SessionTokens(LiveProperties<SecurityProperties> security, ObjectProvider<RedissonClient> redisson,
            LiveProperties<RealtimeProperties> properties, BeanFactory beans) {
        RedissonClient client = redisson.getIfAvailable();
        this.validator = KefuJwtValidators.of(security.get(), client, Clock.systemUTC());
        this.localChecks = KefuJwtValidators.of(security.get(), null, Clock.systemUTC());
        this.denylist = security.get().checkRevoked() ? client : null;
        this.properties = properties;
        // Looked up when first needed: the broker configuration that makes the channel also builds FrameGuard.
        this.clientOutbound = SingletonSupplier.of(() -> beans.getBean("clientOutboundChannel", MessageChannel.class));
    }

    /** Why a frame with this token is refused now, or null while the token is good. */
    @Nullable String refusal(Jwt token) {
        return refusal(validator, token);
    }

    private static @Nullable String refusal(OAuth2TokenValidator<Jwt> checks, Jwt token) {
        OAuth2TokenValidatorResult result = checks.validate(token);
        if (!result.hasErrors()) {
            return null;
        }
        OAuth2Error error = result.getErrors().iterator().next();
        return switch (error.getErrorCode()) {
            case KefuJwtValidators.TOKEN_EXPIRED -> "unauthorized: the access token expired at " + token.getExpiresAt()
                    + "; connect again with a fresh one";
            case KefuJwtValidators.TOKEN_REVOKED -> REVOKED;
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

    /**
     * Ends the sessions whose token expired or was revoked while they sent nothing. A token that fails the
     * local checks is refused for that, as {@link #refusal} would (its expiry is named before a revocation).
     */
    void checkIdle() {
        // jti → the sessions connected with that token (a user's tabs may share one)
        Map<String, List<String>> toAsk = new HashMap<>();
        local.forEach((session, token) -> {
            String reason = refusal(localChecks, token);
            if (reason != null) {
                endIdle(session, reason);
            } else if (denylist != null && token.getId() != null) {
                toAsk.computeIfAbsent(token.getId(), jti -> new ArrayList<>(1)).add(session);
            }
        });
        RedissonClient redis = denylist;
        if (redis == null || toAsk.isEmpty()) {
            return;
        }
        List<String> jtis = new ArrayList<>(toAsk.keySet());
        for (int from = 0; from < jtis.size(); from += REVOCATION_BATCH) {
            List<String> batch = jtis.subList(from, Math.min(jtis.size(), from + REVOCATION_BATCH));
            Set<String> revoked;
            try {
                revoked = KefuJwtValidators.revokedIds(redis, batch);
            } catch (RuntimeException e) {
                // Redis (the denylist) unreachable: keep the sessions; the next check or frame asks again. Once a pass.
                log.warn("Could not check the tokens of {} STOMP sessions for revocation: {}",
                        jtis.subList(from, jtis.size()).stream().mapToInt(jti -> toAsk.get(jti).size()).sum(), e.toString());
                return;
            }
            for (String jti : revoked) {
                for (String session : toAsk.getOrDefault(jti, List.of())) {
                    endIdle(session, REVOKED);
                }
            }
        }
    }

    private void endIdle(String session, String reason) {
        if (local.remove(session) != null) {
            end(session, reason, null);
        }
    }

    /** Whether this instance still checks the token of this session: it has not been ended or closed. For tests. */
    boolean watches(String session) {
        return local.containsKey(session);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addTriggerTask(this::checkIdle, new Every(() -> properties.get().tokenCheck()));
    }
}
