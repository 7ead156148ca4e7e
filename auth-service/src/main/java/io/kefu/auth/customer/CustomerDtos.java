package io.kefu.auth.customer;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/** Shapes of the customer API. */
public final class CustomerDtos {

    private CustomerDtos() {
    }

    /** The seed's profile fields. */
    public record CustomerView(UUID id, UUID tenantId, String nickname, String avatarUrl, int gender, String city,
            String province, String country, String phone, String status, boolean hasUnionId, Instant createdAt,
            Instant lastActiveAt) {
    }

    /** PUT /api/user/profile: every field optional; null keeps the stored value. */
    public record ProfileUpdate(@Size(max = 100) String nickname, @Size(max = 500) String avatarUrl,
            @Min(0) @Max(2) Integer gender, @Size(max = 50) String city, @Size(max = 50) String province,
            @Size(max = 50) String country, @Size(max = 20) @Pattern(regexp = "\\+?[0-9 -]{5,20}") String phone) {
    }

    /** POST /internal/identities/resolve. {@code appId} is required for per-app kinds (openids). */
    public record ResolveRequest(@NotNull UUID tenantId, @NotNull IdentityKind kind, @Size(max = 64) String appId,
            @NotBlank @Size(max = 128) String value, @Size(max = 64) String unionId) {
    }

    public record Resolution(UUID customerId, boolean created) {
    }

    /** What a first sight may tell about a person (from the mini-program's userInfo). */
    public record ProfileSeed(@Nullable String nickname, @Nullable String avatarUrl, @Nullable Integer gender,
            @Nullable String city, @Nullable String province, @Nullable String country) {

        public static final ProfileSeed NONE = new ProfileSeed(null, null, null, null, null, null);
    }
}
