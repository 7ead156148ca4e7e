package io.kefu.auth.account;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/** Shapes of the account and staff API. */
public final class AccountDtos {

    private AccountDtos() {
    }

    /** An account as shown to clients and admins; never the password hash. */
    public record AccountView(UUID id, @Nullable UUID tenantId, String type, String name, @Nullable String username,
            boolean wechatBound, @Nullable String wecomUserId, @Nullable String avatar, @Nullable String department, List<String> roles,
            int maxConcurrentChats, boolean active, @Nullable Instant lockedUntil, @Nullable Instant lastLoginAt,
            long version, Instant createdAt, Instant updatedAt) {
    }

    /**
     * POST/PUT /api/admin/staff. At least one way to sign in: a WeChat openid (staff mini-program login)
     * or a username and password. On PUT a null password keeps the stored one, and {@code version}
     * (optional) guards against overwriting someone else's change.
     */
    public record StaffRequest(UUID tenantId, @NotBlank @Size(max = 100) String name,
            @Size(max = 64) String wechatOpenid,
            @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._@-]*", message = "is not a WeCom userid") String wecomUserId,
            @Size(min = 3, max = 64) @Pattern(regexp = "[A-Za-z0-9._@-]+") String username,
            @Size(min = 8, max = 128) String password,
            List<@Pattern(regexp = "agent|supervisor|admin") String> roles,
            @Size(max = 100) String department, @Size(max = 500) String avatar,
            @Min(1) @Max(100) Integer maxConcurrentChats, Boolean active, Long version) {
    }

    /**
     * POST/PUT /api/admin/providers: a service provider signs in with a username and password (the
     * provider mini-program). On PUT a null password keeps the stored one.
     */
    public record ProviderRequest(UUID tenantId, @NotBlank @Size(max = 100) String name,
            @NotBlank @Size(min = 3, max = 64) @Pattern(regexp = "[A-Za-z0-9._@-]+") String username,
            @Size(min = 8, max = 128) String password, Boolean active, Long version) {
    }

    /** The outcome of a password check; the lockout counters were saved whatever it is. */
    public sealed interface PasswordCheck {
        record Success(AccountView account) implements PasswordCheck { }
        record UnknownUser() implements PasswordCheck { }
        record WrongPassword(UUID accountId, int attemptsLeft) implements PasswordCheck { }
        record Locked(UUID accountId, Instant lockedUntil) implements PasswordCheck { }
        record Disabled(UUID accountId) implements PasswordCheck { }
    }
}
