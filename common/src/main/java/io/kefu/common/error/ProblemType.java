package io.kefu.common.error;

import java.net.URI;

import org.springframework.http.HttpStatus;

/**
 * A stable problem code and its HTTP status. Codes are part of the API: clients switch on
 * {@code code} (and on {@code type}, which is derived from it), so a code is never renamed.
 */
public record ProblemType(String code, HttpStatus status, String title) {

    public static final String TYPE_BASE = "https://kefu.io/problems/";

    public static final ProblemType VALIDATION = new ProblemType("validation-failed", HttpStatus.BAD_REQUEST, "Request is not valid");
    public static final ProblemType MALFORMED = new ProblemType("malformed-request", HttpStatus.BAD_REQUEST, "Request cannot be read");
    public static final ProblemType NOT_FOUND = new ProblemType("not-found", HttpStatus.NOT_FOUND, "Not found");
    public static final ProblemType METHOD_NOT_ALLOWED = new ProblemType("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed");
    public static final ProblemType UNSUPPORTED_MEDIA_TYPE = new ProblemType("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type");
    public static final ProblemType NOT_ACCEPTABLE = new ProblemType("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable");
    public static final ProblemType TOO_LARGE = new ProblemType("payload-too-large", HttpStatus.CONTENT_TOO_LARGE, "Request is too large");
    public static final ProblemType UNAUTHORIZED = new ProblemType("unauthorized", HttpStatus.UNAUTHORIZED, "Authentication required");
    public static final ProblemType TOKEN_EXPIRED = new ProblemType("token-expired", HttpStatus.UNAUTHORIZED, "Token expired");
    public static final ProblemType TOKEN_REVOKED = new ProblemType("token-revoked", HttpStatus.UNAUTHORIZED, "Token revoked");
    public static final ProblemType FORBIDDEN = new ProblemType("forbidden", HttpStatus.FORBIDDEN, "Not allowed");
    public static final ProblemType CONFLICT = new ProblemType("conflict", HttpStatus.CONFLICT, "Conflict");
    public static final ProblemType RATE_LIMITED = new ProblemType("rate-limited", HttpStatus.TOO_MANY_REQUESTS, "Too many requests");
    public static final ProblemType UNAVAILABLE = new ProblemType("service-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable");
    public static final ProblemType INTERNAL = new ProblemType("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    public URI type() {
        return URI.create(TYPE_BASE + code);
    }
}
