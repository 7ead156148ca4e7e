package io.kefu.push.dispatch;

/**
 * Priority 0-10 of a request mapped onto the few AMQP priorities of the dispatch queues: RabbitMQ
 * advises few levels (each costs memory and CPU), and four bands keep "urgent beats bulk" exact.
 * 0-3 bulk → 1, 4-6 normal → 2, 7-8 high → 3, 9-10 urgent → 4.
 */
public final class PriorityBands {

    /** The queues' x-max-priority. */
    public static final int MAX = 4;

    private PriorityBands() {
    }

    public static int band(int priority) {
        if (priority < 0 || priority > 10) {
            throw new IllegalArgumentException("priority is 0-10, not " + priority);
        }
        if (priority <= 3) {
            return 1;
        }
        if (priority <= 6) {
            return 2;
        }
        return priority <= 8 ? 3 : 4;
    }
}
