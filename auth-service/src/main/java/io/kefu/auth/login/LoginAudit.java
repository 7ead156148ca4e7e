package io.kefu.auth.login;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes one login_audit row per sign-in attempt. Called outside any business transaction (auto-commit),
 * so a failed login is recorded even though its request ends in an error.
 */
@Component
class LoginAudit {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    LoginAudit(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void record(@Nullable UUID accountId, @Nullable String principal, String kind, String outcome, HttpServletRequest request) {
        jdbc.update("insert into login_audit (account_id, principal, kind, outcome, ip, user_agent, at) values (?, ?, ?, ?, ?, ?, ?)",
                accountId, cut(principal, 128), kind, outcome, cut(clientIp(request), 64), cut(request.getHeader("User-Agent"), 500),
                Timestamp.from(clock.instant()));
    }

    /** The gateway appends the client address to X-Forwarded-For; the first entry is the client. */
    private static String clientIp(HttpServletRequest request) {
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            return forwarded.split(",")[0].strip();
        }
        return request.getRemoteAddr();
    }

    private static @Nullable String cut(@Nullable String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
