package io.kefu.auth.tenant;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request and answer shapes of the tenant API. */
public final class TenantDtos {

    private TenantDtos() {
    }

    /** Create or replace a tenant. The secret is write-only; on update a null secret keeps the stored one. */
    public record TenantRequest(@NotBlank @Size(max = 128) String name, @Valid TenantConfig config,
            @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9_-]*") String miniAppId, @Size(max = 128) String miniAppSecret,
            @Pattern(regexp = "active|disabled") String status, Long version) {
    }

    public record TenantView(UUID id, String name, TenantConfig config, String miniAppId, boolean miniAppSecretSet,
            String status, long version, Instant createdAt, Instant updatedAt) {
    }

    /** What a login needs to call WeChat for a tenant's mini-program. */
    public record MiniApp(UUID tenantId, String appId, String secret, boolean tenantActive) {

        @Override
        public String toString() {
            return "MiniApp[tenantId=" + tenantId + ", appId=" + appId + "]"; // never log the secret
        }
    }
}
