package io.kefu.stats.metric;

/** count, sum of values and count of good observations of one metric over some range: additive, so days and rollups sum. */
public record Agg(long count, double total, long good) {

    public static final Agg ZERO = new Agg(0, 0, 0);

    public Agg plus(Agg other) {
        return new Agg(count + other.count, total + other.total, good + other.good);
    }

    public Double average() {
        return count == 0 ? null : total / count;
    }

    public Double rate() {
        return count == 0 ? null : (double) good / count;
    }
}
