package io.kefu.auth;

import java.util.List;
import java.util.UUID;

import io.kefu.auth.token.TokenService;
import io.kefu.auth.token.TokenSubject;
import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.ServiceReadinessContract;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@KefuIntegrationTest(classes = AuthApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthServiceReadyIT extends ServiceReadinessContract {

    @Autowired
    TokenService tokens;

    AuthServiceReadyIT() {
        super("auth");
    }

    /** auth-service signs its own tokens, so it can prove the authenticated 404 too. */
    @Override
    protected String validBearerToken() {
        return tokens.issue(new TokenSubject(UUID.randomUUID(), UUID.randomUUID(), "staff", List.of("agent"), TokenSubject.ACCOUNT))
                .accessToken();
    }

    /** Tokens auth-service itself signed, all of one tenant, for the bad-input probes. */
    @Override
    protected String token(String type, List<String> roles) {
        return tokens.issue(new TokenSubject(UUID.randomUUID(), tenant, type, roles,
                "customer".equals(type) ? TokenSubject.CUSTOMER : TokenSubject.ACCOUNT)).accessToken();
    }

    private final UUID tenant = UUID.randomUUID();
}
