package io.kefu.statstest;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kefu.common.security.KefuSecurityCustomizer;
import io.kefu.testsupport.TestTokens;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Plays auth-service's {@code POST /api/auth/login} on stats-service's own port for the browser test
 * (which runs stats-service alone, not behind the gateway): username {@code <tenantId>/<role>},
 * password {@code test-password}; the token is signed by the test issuer stats trusts in tests.
 * Lives outside io.kefu.stats so that only the tests importing it have it.
 */
@RestController
public class StandInLogin implements KefuSecurityCustomizer {

    public static final String PASSWORD = "test-password";

    record Login(String username, String password) {
    }

    @PostMapping("/api/auth/login")
    ResponseEntity<Map<String, Object>> login(@RequestBody Login login) {
        String[] parts = login.username() == null ? new String[0] : login.username().split("/");
        if (parts.length != 2 || !PASSWORD.equals(login.password())) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("code", "invalid-credentials", "detail", "Wrong username or password"));
        }
        List<String> roles = switch (parts[1]) {
            case "supervisor" -> List.of("supervisor", "agent");
            case "admin" -> List.of("admin", "supervisor", "agent");
            default -> List.of("agent");
        };
        String token = TestTokens.token(UUID.randomUUID().toString(), parts[0], "staff", roles);
        return ResponseEntity.ok(Map.of("accessToken", token, "token", token, "tokenType", "Bearer", "expiresIn", 600));
    }

    @Override
    public List<String> publicPaths() {
        return List.of("/api/auth/login");
    }
}
