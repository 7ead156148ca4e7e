package io.kefu.kbai.retrieval;

/**
 * A float vector as signed bytes for the first pass of the per-query scan, with what it takes to
 * bound the rounding: {@code x ≈ scale · values}, {@code residual = ‖x − scale · values‖} and
 * {@code norm = ‖x‖}, {@code roundedNorm = ‖scale · values‖}.
 *
 * <p>Why: the exact scan read every float of a tenant's vectors per question (10,000 phrasings × 2 KB =
 * 20 MB, ~6 ms of scalar Java per search, most of a search's CPU). A byte dot product reads a quarter of
 * that and runs as SIMD through Lucene's {@code VectorUtil} (with {@code --add-modules jdk.incubator.vector};
 * Lucene's scalar code otherwise). It is only a filter: for any vectors a and b,
 * {@code |a·b − approx| ≤ ‖a‖·residual(b) + residual(a)·roundedNorm(b)} (Cauchy–Schwarz on
 * {@code a·b − ã·b̃ = a·(b − b̃) + (a − ã)·b̃}), so every item that could be among the best is rescored
 * exactly, and the cosines the ranking and the calibration see are the exact ones.
 */
record QuantizedVector(byte[] values, float scale, float residual, float norm, float roundedNorm) {

    static QuantizedVector of(float[] x) {
        float max = 0;
        for (float f : x) {
            max = Math.max(max, Math.abs(f));
        }
        float scale = max == 0 ? 0 : max / 127f;
        byte[] values = new byte[x.length];
        double residual = 0;
        double norm = 0;
        double roundedNorm = 0;
        for (int i = 0; i < x.length; i++) {
            int v = scale == 0 ? 0 : Math.max(-127, Math.min(127, Math.round(x[i] / scale)));
            values[i] = (byte) v;
            double rounded = (double) scale * v;
            residual += (x[i] - rounded) * (x[i] - rounded);
            norm += (double) x[i] * x[i];
            roundedNorm += rounded * rounded;
        }
        return new QuantizedVector(values, scale, (float) Math.sqrt(residual), (float) Math.sqrt(norm), (float) Math.sqrt(roundedNorm));
    }

    /** Slack for float rounding in the scales and in the exact sum (both ~1e-6 for 512 dimensions). */
    static final float ROUNDING = 1e-4f;
}
