package io.kefu.common.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kefu.common.error.ProblemHandler;
import io.kefu.common.error.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 as problem details, like every other Kefu error: they are written by filters, before
 * any controller advice could see them, so they are rendered here with {@link ProblemHandler#of}.
 */
final class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        ProblemType type = ProblemType.UNAUTHORIZED;
        String detail = "A valid access token is required";
        if (request.getRequestURI().startsWith("/internal/")) {
            detail = "Internal APIs need header X-Kefu-Internal-Token";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JwtValidationException invalid) {
                for (OAuth2Error error : invalid.getErrors()) {
                    if (KefuJwtValidators.TOKEN_EXPIRED.equals(error.getErrorCode())) {
                        type = ProblemType.TOKEN_EXPIRED;
                        detail = "The access token has expired";
                    } else if (KefuJwtValidators.TOKEN_REVOKED.equals(error.getErrorCode())) {
                        type = ProblemType.TOKEN_REVOKED;
                        detail = "The access token was revoked";
                    }
                }
                break;
            }
        }
        if (type == ProblemType.UNAUTHORIZED && request.getHeader("Authorization") != null && !request.getRequestURI().startsWith("/internal/")) {
            detail = "The access token is not valid";
        }
        response.setHeader("WWW-Authenticate", "Bearer");
        write(response, ProblemHandler.of(type, detail));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        write(response, ProblemHandler.of(ProblemType.FORBIDDEN, "Your roles do not allow this"));
    }

    private static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(body));
    }
}
