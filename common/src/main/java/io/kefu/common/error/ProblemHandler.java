package io.kefu.common.error;

import java.util.Map;

import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Renders every error as an RFC 9457 problem detail with a stable {@code type} and {@code code}.
 * Spring MVC's own exceptions (unreadable body, wrong method, missing parameter, ...) keep their
 * 4xx status and get a Kefu code; anything unexpected is a 500 with no internals in the body.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(KefuProblemException.class)
    public ResponseEntity<ProblemDetail> kefu(KefuProblemException e) {
        ProblemDetail body = of(e.problem(), e.getMessage());
        e.properties().forEach(body::setProperty);
        return ResponseEntity.status(e.problem().status()).body(body);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    public ResponseEntity<ProblemDetail> constraint(ConstraintViolationException e) {
        ProblemDetail body = of(ProblemType.VALIDATION, "Some fields are not valid");
        body.setProperty("errors", e.getConstraintViolations().stream()
                .map(v -> Map.of("field", String.valueOf(v.getPropertyPath()), "message", v.getMessage())).toList());
        return ResponseEntity.badRequest().body(body);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    public ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        return ResponseEntity.badRequest().body(of(ProblemType.VALIDATION, "Parameter '" + e.getName() + "' has an invalid value"));
    }

    /**
     * No database connection to be had: the pool's wait ran out under load, or PostgreSQL cannot be reached.
     * Nothing of the request was carried out and it may be sent again, which a 503 with Retry-After says
     * (a 500 says the request itself broke something).
     */
    /** Whether {@code e} says no database connection could be had (for handlers outside HTTP, e.g. STOMP frames). */
    public static boolean noConnection(Throwable e) {
        return e instanceof org.springframework.transaction.CannotCreateTransactionException
                || e instanceof org.springframework.jdbc.CannotGetJdbcConnectionException;
    }

    @ExceptionHandler({org.springframework.transaction.CannotCreateTransactionException.class,
            org.springframework.jdbc.CannotGetJdbcConnectionException.class})
    public ResponseEntity<ProblemDetail> noConnection(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        log.warn("No database connection for a request: {}", root.toString());
        return ResponseEntity.status(ProblemType.UNAVAILABLE.status()).header(HttpHeaders.RETRY_AFTER, "1")
                .body(of(ProblemType.UNAVAILABLE, "The service cannot reach its database right now; try again in a moment"));
    }

    /** Two writers raced on a versioned row: the loser reloads and retries, it is not a server fault. */
    @ExceptionHandler(org.springframework.dao.OptimisticLockingFailureException.class)
    public ResponseEntity<ProblemDetail> optimisticLock(org.springframework.dao.OptimisticLockingFailureException e) {
        return ResponseEntity.status(ProblemType.CONFLICT.status())
                .body(of(ProblemType.CONFLICT, "The resource was changed by someone else; reload it and try again"));
    }

    /**
     * A multipart body that cannot be parsed (no boundary, truncated, not multipart at all) is the
     * client's fault. Too large a body stays 413 ({@code MaxUploadSizeExceededException}, handled above).
     */
    @ExceptionHandler(org.springframework.web.multipart.MultipartException.class)
    public ResponseEntity<ProblemDetail> multipart(org.springframework.web.multipart.MultipartException e) {
        return ResponseEntity.badRequest().body(of(ProblemType.MALFORMED, "The multipart body cannot be read"));
    }

    /**
     * The database refused a value: a data error (SQLSTATE class 22: too long for its column, a NUL or
     * an invalid byte sequence, a number out of range, a bad date) is the request's fault, 400; a
     * unique or foreign-key violation (23505, 23503) is a 409. Validation should have caught it before;
     * this keeps a missed check from being a 500. Anything else stays an internal error.
     */
    @ExceptionHandler(org.springframework.dao.DataIntegrityViolationException.class)
    public ResponseEntity<ProblemDetail> dataIntegrity(org.springframework.dao.DataIntegrityViolationException e) {
        String state = sqlState(e);
        if (state != null && state.startsWith("22")) {
            log.warn("A value was refused by the database (SQLSTATE {}): a validation is missing", state);
            return ResponseEntity.badRequest().body(of(ProblemType.VALIDATION,
                    "A value cannot be stored (too long, out of range, or holding a character that cannot be stored)"));
        }
        if (state != null && (state.equals("23505") || state.equals("23503"))) {
            return ResponseEntity.status(ProblemType.CONFLICT.status())
                    .body(of(ProblemType.CONFLICT, "The change conflicts with existing data"));
        }
        if (state != null && (state.equals("23502") || state.equals("23514"))) {
            log.warn("A value was refused by the database (SQLSTATE {}): a validation is missing", state);
            return ResponseEntity.badRequest().body(of(ProblemType.VALIDATION, "A required value is missing or not allowed"));
        }
        return unexpected(e);
    }

    private static @org.jspecify.annotations.Nullable String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected error", e);
        return ResponseEntity.internalServerError().body(of(ProblemType.INTERNAL, "An unexpected error occurred"));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail detail) {
            ProblemType type = typeFor(ex, statusCode.value());
            detail.setType(type.type());
            detail.setProperty("code", type.code());
            if (ex instanceof MethodArgumentNotValidException invalid) {
                detail.setDetail("Some fields are not valid");
                detail.setProperty("errors", invalid.getBindingResult().getFieldErrors().stream()
                        .map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage()))).toList());
            } else if (ex instanceof org.springframework.http.converter.HttpMessageNotReadableException unreadable
                    && unreadable.getMostSpecificCause() instanceof tools.jackson.databind.DatabindException databind) {
                // Name the field Jackson could not read (NUL, a wrong type, an unknown enum constant, a bad date).
                String field = path(databind);
                boolean nul = databind instanceof io.kefu.common.input.NulCharacterException;
                if (nul) {
                    detail.setType(ProblemType.VALIDATION.type());
                    detail.setProperty("code", ProblemType.VALIDATION.code());
                    detail.setDetail("Some fields are not valid");
                } else {
                    detail.setDetail("The body cannot be read" + (field.isEmpty() ? "" : ": field '" + field + "' has an invalid value"));
                }
                if (!field.isEmpty() || nul) {
                    detail.setProperty("errors", java.util.List.of(Map.of("field", field,
                            "message", nul ? io.kefu.common.input.NulCharacterException.MESSAGE : "has an invalid value")));
                }
            } else if (ex instanceof HandlerMethodValidationException invalid) {
                detail.setProperty("errors", invalid.getParameterValidationResults().stream()
                        .flatMap(r -> r.getResolvableErrors().stream()
                                .map(err -> Map.of("field", r.getMethodParameter().getParameterName() == null ? ""
                                        : r.getMethodParameter().getParameterName(), "message", String.valueOf(err.getDefaultMessage()))))
                        .toList());
            }
        }
        return response;
    }

    /** {@code a.b[2].c} from Jackson's reference chain. */
    static String path(tools.jackson.core.JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (tools.jackson.core.JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName().replace(io.kefu.common.input.NulText.NUL, '?'));
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static ProblemType typeFor(Exception ex, int status) {
        return switch (status) {
            case 400 -> ex instanceof org.springframework.http.converter.HttpMessageNotReadableException
                    ? ProblemType.MALFORMED : ProblemType.VALIDATION;
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 413 -> ProblemType.TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ProblemType.UNAVAILABLE;
            default -> status >= 500 ? ProblemType.INTERNAL : ProblemType.MALFORMED;
        };
    }

    public static ProblemDetail of(ProblemType type, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(type.status(), detail);
        body.setType(type.type());
        body.setTitle(type.title());
        body.setProperty("code", type.code());
        return body;
    }

}
