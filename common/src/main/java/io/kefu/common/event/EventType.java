package io.kefu.common.event;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the versioned type of an event record, for example {@code chat.message.received.v1}, and
 * its priority. The first segment is the producing service; the rest, without it, is the routing key.
 * Priority belongs to what the event is, so it is declared once here (0-10, higher first); a record
 * whose priority depends on its content (a VIP customer's message) implements {@link PrioritizedEvent}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

    String value();

    /** 0-10; a statistics tick is low, a customer waiting for a person is high. */
    int priority() default 5;
}
