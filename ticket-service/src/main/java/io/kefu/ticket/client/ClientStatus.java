package io.kefu.ticket.client;

import java.time.LocalDate;
import java.util.Locale;

/** A licence's state, from its expiry date alone (seed 004 §4.1). */
public enum ClientStatus {
    ACTIVE, EXPIRING, EXPIRED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** expired after the expiry day, expiring from {@code expiringDays} before it (inclusive), active before that. */
    public static ClientStatus of(LocalDate expiryDate, LocalDate today, int expiringDays) {
        if (expiryDate.isBefore(today)) {
            return EXPIRED;
        }
        return expiryDate.isAfter(today.plusDays(expiringDays)) ? ACTIVE : EXPIRING;
    }
}
