package io.kefu.chat;

import java.util.List;
import java.util.UUID;

import io.kefu.testsupport.TestTokens;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Shared by chat-service integration tests: tokens from the test issuer (the service verifies them
 * through its real resource-server setup) for customers and staff of a tenant.
 */
public abstract class ChatItSupport {

    @DynamicPropertySource
    static void testIssuer(DynamicPropertyRegistry registry) {
        registry.add("kefu.security.jwk-set-uri", TestTokens::jwkSetUri);
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
