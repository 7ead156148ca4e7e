package io.kefu.chat.realtime;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.TriggerContext;

/**
 * A fixed delay read again before every run, so that a changed interval (a hot {@code LiveProperties}
 * value) applies from the next run on, without a restart.
 */
record Every(Supplier<Duration> interval) implements Trigger {

    @Override
    public Instant nextExecution(TriggerContext context) {
        Instant last = context.lastCompletion();
        return (last == null ? context.getClock().instant() : last).plus(interval.get());
    }
}
