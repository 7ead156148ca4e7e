package io.kefu.push.sender;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/** What a provider answered: sent, worth retrying (time-out, 429, 5xx, busy codes), or refused for good. */
public sealed interface SendOutcome {

    /** Sent; the provider's own id (for receipts) and a short excerpt of its answer. */
    record Sent(@Nullable String providerMessageId, String response) implements SendOutcome {
    }

    /** A transient failure; {@code after} is the provider's own hint (Retry-After), if any. */
    record Retry(String reason, @Nullable Duration after) implements SendOutcome {
    }

    /** A permanent failure: the same request would fail again. */
    record Failed(String reason) implements SendOutcome {
    }

    /** Not sent now because a pacing rule holds it until {@code until}; no attempt is counted. */
    record Held(String rule, java.time.Instant until) implements SendOutcome {
    }

    static String excerpt(@Nullable String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replace('\0', ' ');
        return flat.length() <= 1000 ? flat : flat.substring(0, 1000) + "…";
    }
}
