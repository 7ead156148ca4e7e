package io.kefu.auth.login;

import io.kefu.auth.login.LoginDtos.LogoutRequest;
import io.kefu.auth.login.LoginDtos.PasswordLoginRequest;
import io.kefu.auth.login.LoginDtos.RefreshRequest;
import io.kefu.auth.login.LoginDtos.StaffLoginRequest;
import io.kefu.auth.login.LoginDtos.TokenResponse;
import io.kefu.auth.login.LoginDtos.WeChatLoginRequest;
import io.kefu.auth.token.IssuedTokens;
import io.kefu.auth.token.TokenService;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "auth", description = "sign in, refresh, sign out")
class LoginController {

    private final LoginService logins;
    private final TokenService tokens;

    LoginController(LoginService logins, TokenService tokens) {
        this.logins = logins;
        this.tokens = tokens;
    }

    @PostMapping("/api/auth/wechat")
    @Operation(summary = "Customer login with a mini-program code; errors wechat-code-invalid, wechat-rate-limited, wechat-unavailable, unknown-app")
    TokenResponse wechat(@Valid @RequestBody WeChatLoginRequest request, HttpServletRequest http) {
        return logins.customerWeChat(request, http);
    }

    @PostMapping("/api/staff/login")
    @Operation(summary = "Staff login with a mini-program code; 403 staff-not-registered / staff-disabled")
    TokenResponse staff(@Valid @RequestBody StaffLoginRequest request, HttpServletRequest http) {
        return logins.staffWeChat(request, http);
    }

    @PostMapping("/api/auth/login")
    @Operation(summary = "Password login; 401 invalid-credentials, 423 account-locked (lockedUntil)")
    TokenResponse login(@Valid @RequestBody PasswordLoginRequest request, HttpServletRequest http) {
        return logins.password(request, http);
    }

    @PostMapping("/api/auth/refresh")
    @Operation(summary = "New token pair for a refresh token (used up); 401 refresh-token-reused revokes the sign-in")
    TokenResponse refresh(@Valid @RequestBody RefreshRequest request) {
        IssuedTokens issued = tokens.refresh(request.refreshToken());
        return TokenResponse.of(issued, null);
    }

    @PostMapping("/api/auth/logout")
    @Operation(summary = "Revoke the refresh token's sign-in and the presented access token")
    ResponseEntity<Void> logout(@Valid @RequestBody(required = false) LogoutRequest request) {
        if (!(SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken auth)) {
            throw new KefuProblemException(ProblemType.UNAUTHORIZED, "A valid access token is required");
        }
        String refresh = request == null ? null : request.refreshToken() != null ? request.refreshToken() : request.token();
        tokens.logout(refresh, auth.getToken());
        return ResponseEntity.noContent().build();
    }
}
