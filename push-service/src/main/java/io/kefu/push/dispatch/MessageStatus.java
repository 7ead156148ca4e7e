package io.kefu.push.dispatch;

import java.util.Locale;

/**
 * queued (stored, on or on its way to the dispatch queue) → sending (claimed with a lease) → sent →
 * delivered (receipt); scheduled = waiting for a retry or for a pacing rule; failed = refused for good;
 * dead = retries exhausted (the dead-letter list, re-drivable); unknown = the lease ran out while
 * sending and the provider cannot tell us whether it went, so it is not sent again.
 */
public enum MessageStatus {
    QUEUED, SCHEDULED, SENDING, SENT, DELIVERED, FAILED, DEAD, UNKNOWN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MessageStatus of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    public boolean terminal() {
        return this == SENT || this == DELIVERED || this == FAILED || this == DEAD || this == UNKNOWN;
    }
}
