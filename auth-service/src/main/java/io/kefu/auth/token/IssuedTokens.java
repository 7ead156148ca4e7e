package io.kefu.auth.token;

import java.time.Instant;

/** A fresh access token and its refresh token. */
public record IssuedTokens(String accessToken, String refreshToken, long expiresIn, String jti, Instant expiresAt,
        TokenSubject subject) {

    @Override
    public String toString() {
        return "IssuedTokens[jti=" + jti + ", subject=" + subject.subjectId() + "]"; // never log token values
    }
}
