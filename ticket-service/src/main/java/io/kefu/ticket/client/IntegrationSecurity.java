package io.kefu.ticket.client;

import java.util.List;

import io.kefu.common.security.KefuSecurityCustomizer;
import org.springframework.stereotype.Component;

/**
 * The business's software reports usage with the tenant's integration key, not a token: the path is open
 * to the security chain (a bearer token sent along is ignored) and {@link IntegrationController} refuses
 * any request without a valid key.
 */
@Component
class IntegrationSecurity implements KefuSecurityCustomizer {

    @Override
    public List<String> publicPaths() {
        return List.of("/api/integration/customers/*/usage-signals");
    }
}
