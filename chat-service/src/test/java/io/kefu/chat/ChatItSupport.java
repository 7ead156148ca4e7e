package io.kefu.chat;

import java.util.List;
import java.util.UUID;

import io.kefu.testsupport.TestTokens;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Shared by chat-service integration tests: tokens from the test issuer (the service verifies them
 * through its real resource-server setup) for customers and staff of a tenant, and presence keys of
 * their own in Redis.
 */
public abstract class ChatItSupport {

    /**
     * Presence keys of this test JVM: Redis is shared with other runs on the machine, whose presence sweeps
     * would otherwise announce this run's users (into their own outbox). Pass it to extra instances too.
     */
    public static final String PRESENCE_KEYS = "kefu:it:presence:" + UUID.randomUUID();

    @DynamicPropertySource
    static void testIssuer(DynamicPropertyRegistry registry) {
        registry.add("kefu.security.jwk-set-uri", TestTokens::jwkSetUri);
        registry.add("kefu.chat.realtime.presence-keys", () -> PRESENCE_KEYS);
    }

    public record Person(UUID id, UUID tenantId, String token) {
    }

    public static Person customer(UUID tenantId) {
        UUID id = UUID.randomUUID();
        return new Person(id, tenantId, TestTokens.token(id.toString(), tenantId.toString(), "customer", List.of("customer")));
    }

    public static Person agent(UUID tenantId) {
        UUID id = UUID.randomUUID();
        return new Person(id, tenantId, TestTokens.token(id.toString(), tenantId.toString(), "staff", List.of("agent")));
    }

    public static Person supervisor(UUID tenantId) {
        UUID id = UUID.randomUUID();
        return new Person(id, tenantId, TestTokens.token(id.toString(), tenantId.toString(), "staff", List.of("agent", "supervisor")));
    }

    public static Person admin(UUID tenantId) {
        UUID id = UUID.randomUUID();
        return new Person(id, tenantId, TestTokens.token(id.toString(), tenantId.toString(), "admin",
                List.of("agent", "supervisor", "admin")));
    }
}
