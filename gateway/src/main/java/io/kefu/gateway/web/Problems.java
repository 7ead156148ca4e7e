package io.kefu.gateway.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 9457 bodies for everything the gateway answers itself (401, 403, 404, 413, 429, 503, 504), in
 * the same shape as the services' errors: {@code type} = https://kefu.io/problems/&lt;code&gt; and a
 * {@code code} property clients switch on.
 */
public final class Problems {

    public static final String TYPE_BASE = "https://kefu.io/problems/";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {
    }

    /** A problem code of the contract and the status it always comes with. */
    public record Kind(String code, HttpStatus status, String title) {
    }

    public static final Kind UNAUTHORIZED = new Kind("unauthorized", HttpStatus.UNAUTHORIZED, "Authentication required");
    public static final Kind TOKEN_EXPIRED = new Kind("token-expired", HttpStatus.UNAUTHORIZED, "Token expired");
    public static final Kind TOKEN_REVOKED = new Kind("token-revoked", HttpStatus.UNAUTHORIZED, "Token revoked");
    public static final Kind FORBIDDEN = new Kind("forbidden", HttpStatus.FORBIDDEN, "Not allowed");
    public static final Kind TENANT_MISMATCH = new Kind("tenant-mismatch", HttpStatus.FORBIDDEN, "Tenant mismatch");
    public static final Kind NOT_FOUND = new Kind("not-found", HttpStatus.NOT_FOUND, "Not found");
    public static final Kind METHOD_NOT_ALLOWED = new Kind("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed");
    public static final Kind TOO_LARGE = new Kind("payload-too-large", HttpStatus.CONTENT_TOO_LARGE, "Request is too large");
    public static final Kind RATE_LIMITED = new Kind("rate-limited", HttpStatus.TOO_MANY_REQUESTS, "Too many requests");
    public static final Kind UNAVAILABLE = new Kind("service-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable");
    public static final Kind TIMEOUT = new Kind("gateway-timeout", HttpStatus.GATEWAY_TIMEOUT, "Gateway timeout");
    public static final Kind INTERNAL = new Kind("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    /** A status the gateway has no specific code for (e.g. 400 from a malformed request line). */
    public static Kind ofStatus(int status) {
        HttpStatus resolved = HttpStatus.resolve(status);
        HttpStatus s = resolved != null ? resolved : HttpStatus.INTERNAL_SERVER_ERROR;
        return switch (s) {
            case NOT_FOUND -> NOT_FOUND;
            case METHOD_NOT_ALLOWED -> METHOD_NOT_ALLOWED;
            case CONTENT_TOO_LARGE -> TOO_LARGE;
            case TOO_MANY_REQUESTS -> RATE_LIMITED;
            case SERVICE_UNAVAILABLE -> UNAVAILABLE;
            case GATEWAY_TIMEOUT -> TIMEOUT;
            case UNAUTHORIZED -> UNAUTHORIZED;
            case FORBIDDEN -> FORBIDDEN;
            default -> new Kind(s.getReasonPhrase().toLowerCase().replace(' ', '-'), s, s.getReasonPhrase());
        };
    }

    public static byte[] body(Kind kind, String detail, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + kind.code());
        body.put("title", kind.title());
        body.put("status", kind.status().value());
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        body.put("code", kind.code());
        return JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the problem unless something was already sent (then nothing more can be said). */
    public static Mono<Void> write(ServerHttpResponse response, Kind kind, String detail, String instance) {
        if (response.isCommitted()) {
            return Mono.empty();
        }
        byte[] bytes = body(kind, detail, instance);
        response.setStatusCode(kind.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().setContentLength(bytes.length);
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }
}
