package io.kefu.kbai.retrieval;

import java.util.List;

/**
 * Maps the raw signals of a candidate to P(this item answers the question): a logistic model
 * {@code p = 1 / (1 + e^-(w0 + w1·cos + w2·margin + w3·bm25Agrees + w4·termMissing + w5·lengthRatio))}.
 * The weights are fitted on the labelled FAQ set in src/test/resources/kb-eval (see
 * {@code CalibrationFitBenchmark}) and live in configuration so that a refit needs no release.
 */
final class Calibration {

    private Calibration() {
    }

    /**
     * @param cosine       cosine of the question to the item's closest phrasing
     * @param margin       that cosine minus the best cosine of any other item (negative below the top)
     * @param bm25Agrees   1 when BM25's best item is this item
     * @param termMissing  1 when the question names a code, model or number (ASCII letters/digits) that the item does not contain
     * @param lengthRatio  shorter over longer length of the question and the matched phrasing
     */
    record Features(double cosine, double margin, double bm25Agrees, double termMissing, double lengthRatio) {

        double[] vector() {
            return new double[] {1, cosine, margin, bm25Agrees, termMissing, lengthRatio};
        }
    }

    static double probability(List<Double> weights, Features f) {
        double[] x = f.vector();
        double z = 0;
        for (int i = 0; i < x.length; i++) {
            z += weights.get(i) * x[i];
        }
        return 1 / (1 + Math.exp(-z));
    }
}
