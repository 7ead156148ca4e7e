package io.kefu.common.remote;

import org.jspecify.annotations.Nullable;

/**
 * What a remote call came to. {@link Status#DONE} and {@link Status#FAILED} are final, as is
 * {@link Status#UNKNOWN} (set by the sweep, never by a kind); {@link Status#RETRY} asks for another
 * try after a backoff, until {@code kefu.remote-calls.max-attempts}, after which the call fails with
 * code {@value #GAVE_UP}.
 *
 * @param code   the provider's code (errcode, HTTP status) or the service's own ("media-missing"); null when done
 * @param detail a readable reason, or the provider's reference when done; at most 1000 characters are kept
 */
public record RemoteCallOutcome(Status status, @Nullable String code, @Nullable String detail) {

    public static final String GAVE_UP = "gave-up";
    public static final String LOST = "outcome-lost";

    public enum Status {
        DONE, FAILED, RETRY, UNKNOWN;

        String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static RemoteCallOutcome done() {
        return new RemoteCallOutcome(Status.DONE, null, null);
    }

    public static RemoteCallOutcome done(@Nullable String reference) {
        return new RemoteCallOutcome(Status.DONE, null, reference);
    }

    public static RemoteCallOutcome failed(String code, String detail) {
        return new RemoteCallOutcome(Status.FAILED, code, detail);
    }

    public static RemoteCallOutcome retry(String code, String detail) {
        return new RemoteCallOutcome(Status.RETRY, code, detail);
    }

    static RemoteCallOutcome unknown(String detail) {
        return new RemoteCallOutcome(Status.UNKNOWN, LOST, detail);
    }

    public boolean isFinal() {
        return status != Status.RETRY;
    }
}
