package io.kefu.ticket.client;

/**
 * The usage-depth score, 0–100, from the last 30 days of signals the customer's software reports:
 * <ul>
 * <li>activity, up to 40: {@code 40 × min(activeDays, 20) / 20} — days with any signal (a working month is full marks);</li>
 * <li>breadth, up to 30: {@code 30 × min(distinctFeatures, 10) / 10} — distinct features used;</li>
 * <li>ports, up to 30: {@code 30 × min(1, maxPortsInUse / portCount)} — how much of the licence is used (0 without ports).</li>
 * </ul>
 * The score is the sum, rounded to the nearest integer. Pure, so it is unit-tested.
 */
public record UsageScore(int score, Part activity, Part breadth, Part ports) {

    public static final int WINDOW_DAYS = 30;

    /** One part: the measured value, what it is compared with, the points earned and the rule. */
    public record Part(long value, long fullAt, double points, int maxPoints, String formula) {
    }

    public static UsageScore of(long activeDays, long distinctFeatures, long maxPortsInUse, int portCount) {
        double activity = 40.0 * Math.min(activeDays, 20) / 20;
        double breadth = 30.0 * Math.min(distinctFeatures, 10) / 10;
        double ports = portCount <= 0 ? 0 : 30.0 * Math.min(1.0, (double) maxPortsInUse / portCount);
        int score = (int) Math.round(activity + breadth + ports);
        return new UsageScore(Math.max(0, Math.min(100, score)),
                new Part(activeDays, 20, round(activity), 40, "40 × min(activeDays, 20) / 20"),
                new Part(distinctFeatures, 10, round(breadth), 30, "30 × min(distinctFeatures, 10) / 10"),
                new Part(maxPortsInUse, portCount, round(ports), 30, "30 × min(1, maxPortsInUse / portCount)"));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
