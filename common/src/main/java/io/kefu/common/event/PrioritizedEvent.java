package io.kefu.common.event;

/**
 * An event whose priority depends on its content rather than only on its type (a message from a VIP
 * customer, a queued complaint). Its {@link #eventPriority()} wins over {@link EventType#priority()}.
 */
public interface PrioritizedEvent {

    /** 0-10, higher first. */
    int eventPriority();
}
