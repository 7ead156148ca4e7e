package io.kefu.ticket.sla;

import java.time.Duration;

/** First-response and resolution targets, in business time. */
public record SlaTarget(Duration firstResponse, Duration resolution) {
}
