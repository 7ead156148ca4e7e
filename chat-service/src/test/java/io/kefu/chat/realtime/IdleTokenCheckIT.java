package io.kefu.chat.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jwt.SignedJWT;
import io.kefu.chat.ChatItSupport;
import io.kefu.common.security.KefuJwtValidators;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.testsupport.StompTestClient;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idle check asks Redis about the denylist for many sessions at once ({@link SessionTokens#REVOCATION_BATCH}
 * a call): among more sessions than fit one call, exactly those whose token was revoked are ended, a real client's
 * with an ERROR frame, and every other one stays.
 */
class IdleTokenCheckIT extends ChatItSupport {

    @Autowired
    Environment environment;
    @Autowired
    SessionTokens tokens;
    @Autowired
    JwtDecoder decoder;
    @Autowired
    RedissonClient redisson;

    @Test
    void amongManyIdleSessionsCheckedTogetherOnlyThoseWhoseTokenWasRevokedAreEnded() throws Exception {
        UUID tenant = UUID.randomUUID();
        // Sessions without a socket (what SessionTokens is told when one connects), more than two calls' worth.
        Map<String, Jwt> played = new LinkedHashMap<>();
        Jwt shared = null;
        for (int i = 0; i < 2 * SessionTokens.REVOCATION_BATCH + 20; i++) {
            // Every tenth token is used by two sessions, as a user's two tabs would.
            Jwt token = i % 10 == 1 ? shared : decoder.decode(customer(tenant).token());
            shared = token;
            played.put("played-" + i + "-" + UUID.randomUUID(), token);
        }
        // Every 97th session's token revoked, with whichever other session shares it.
        List<Jwt> tokensInOrder = List.copyOf(played.values());
        Set<String> revokedIds = new HashSet<>();
        for (int i = 0; i < tokensInOrder.size(); i += 97) {
            revokedIds.add(tokensInOrder.get(i).getId());
        }
        List<String> revokedSessions = played.entrySet().stream().filter(e -> revokedIds.contains(e.getValue().getId()))
                .map(Map.Entry::getKey).toList();
        List<String> denylist = new ArrayList<>(revokedIds.stream().map(jti -> KefuJwtValidators.REVOKED_JTI_PREFIX + jti).toList());
        Person revokedCustomer = customer(tenant);
        Person stayingCustomer = customer(tenant);
        denylist.add(KefuJwtValidators.REVOKED_JTI_PREFIX + SignedJWT.parse(revokedCustomer.token()).getJWTClaimsSet().getJWTID());
        String ws = "ws://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + "/ws";
        played.forEach((session, token) -> tokens.connected(PlayedSessions.connected(session, KefuPrincipal.from(token), token)));
        try (StompTestClient revoked = StompTestClient.connect(ws, revokedCustomer.token());
                StompTestClient staying = StompTestClient.connect(ws, stayingCustomer.token())) {
            revoked.ready();
            staying.ready();
            denylist.forEach(key -> redisson.getBucket(key, StringCodec.INSTANCE).set("1", Duration.ofMinutes(5))); // as logout does

            // The next check, run here: the scheduled one may be a minute away after a test that slowed it down.
            tokens.checkIdle();
            assertThat(revokedSessions).noneMatch(tokens::watches);
            assertThat(revoked.nextError(PresenceIT.WAIT)).contains("revoked");
            assertThat(played.keySet().stream().filter(s -> !revokedSessions.contains(s)))
                    .as("sessions whose token was not revoked").allMatch(tokens::watches);
            assertThat(staying.connected()).isTrue();
            assertThat(staying.nextError(Duration.ZERO)).isNull();
        } finally {
            denylist.forEach(key -> redisson.getBucket(key, StringCodec.INSTANCE).delete());
            played.forEach((session, token) -> tokens.disconnected(PlayedSessions.disconnected(session, KefuPrincipal.from(token), token)));
        }
    }
}
