package io.kefu.auth.login;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kefu.auth.token.IssuedTokens;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Request and answer shapes of the sign-in API (field names from the seeds). */
public final class LoginDtos {

    private LoginDtos() {
    }

    /** The mini-program's wx.getUserProfile fields (seed §2.1). */
    public record UserInfo(@Size(max = 100) String nickName, @Size(max = 500) String avatarUrl, Integer gender,
            @Size(max = 50) String city, @Size(max = 50) String province, @Size(max = 50) String country) {
    }

    public record WeChatLoginRequest(@NotBlank @Size(max = 128) String code, @Valid UserInfo userInfo,
            @NotBlank @Size(max = 64) String appId) {
    }

    public record StaffLoginRequest(@NotBlank @Size(max = 128) String code, @NotBlank @Size(max = 64) String appId) {
    }

    public record PasswordLoginRequest(@NotBlank @Size(max = 64) String username, @NotBlank @Size(max = 128) String password) {
    }

    public record RefreshRequest(@NotBlank @Size(max = 128) String refreshToken) {
    }

    /** The seed's provider app sends {@code token}; either names the refresh token to revoke. */
    public record LogoutRequest(@Size(max = 128) String refreshToken, @Size(max = 128) String token) {
    }

    /**
     * A new token pair. {@code token} (seed §6 and provider login) and {@code newToken} (provider
     * refresh) repeat {@code accessToken} for the clients written against the seeds.
     */
    public record TokenResponse(String accessToken, String refreshToken, String tokenType, long expiresIn, Object user) {

        static TokenResponse of(IssuedTokens tokens, Object user) {
            return new TokenResponse(tokens.accessToken(), tokens.refreshToken(), "Bearer", tokens.expiresIn(), user);
        }

        @JsonProperty("token")
        public String token() {
            return accessToken;
        }

        @JsonProperty("newToken")
        public String newToken() {
            return accessToken;
        }
    }
}
