package io.kefu.kbai.retrieval;

import java.util.List;

/**
 * Maps the raw signals of a candidate to P(this item answers the question): a logistic model
 * {@code p = 1 / (1 + e^-(w0 + w1·cos + w2·margin + w3·bm25Agrees + w4·termMissing + w5·lengthRatio + w6·coverage + w7·unknownWords + w8·missingKnown))}.
 * whose log-odds then go through an isotonic step function (monotone, fitted on the same labelled
 * set) so that the score is a measured share right rather than the logistic's own guess.
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
     * @param coverage     share of the question's words (2+ characters) that the item contains (1 when it has none)
     * @param unknownWords how many of the question's words no item of the tenant contains (capped at 3): a
     *                     product or subject the knowledge base does not know
     * @param missingKnown the rarest word of the question that other items contain but this one does not, as its
     *                     idf over the tenant's items divided by ln(items + 1), in [0, 1]: the question is about
     *                     something the knowledge base treats elsewhere (the near miss: 借呗 asked, 花呗 matched)
     */
    record Features(double cosine, double margin, double bm25Agrees, double termMissing, double lengthRatio, double coverage,
            double unknownWords, double missingKnown) {

        static final int SIZE = 9;

        double[] vector() {
            return new double[] {1, cosine, margin, bm25Agrees, termMissing, lengthRatio, coverage, unknownWords, missingKnown};
        }
    }

    /**
     * The calibrated score. A question naming a code, model or number that the item lacks (X100 asked, X200
     * matched; E4004 asked, E3005 matched) is never more than {@link #TERM_MISSING_CAP}: such near misses
     * have cosines of 0.98 and would otherwise look certain.
     */
    static double score(List<Double> weights, List<Double> steps, Features f) {
        double p = probability(weights, steps, f);
        return f.termMissing() > 0 ? Math.min(p, TERM_MISSING_CAP) : p;
    }

    static final double TERM_MISSING_CAP = 0.5;

    /** The evidence: the logistic model's log-odds. */
    static double logit(List<Double> weights, Features f) {
        double[] x = f.vector();
        double z = 0;
        for (int i = 0; i < x.length; i++) {
            z += weights.get(i) * x[i];
        }
        return z;
    }

    /**
     * P(correct) of an evidence value: the isotonic step function fitted on the labelled set
     * ({@code steps} = z0, p0, z1, p1, … with ascending z: p_i holds from z_i up to z_{i+1}; each p_i is
     * the lower bound of a one-sided 90 % Wilson interval of the share right in its block, so a score of
     * 0.9 means "at least nine in ten right" on the labelled set, and a small perfect block never says 1.0).
     * Below z0, or with no steps, the logistic's own sigmoid.
     */
    static double probability(List<Double> weights, List<Double> steps, Features f) {
        double z = logit(weights, f);
        double p = -1;
        for (int i = 0; i + 1 < steps.size(); i += 2) {
            if (z >= steps.get(i)) {
                p = steps.get(i + 1);
            } else {
                break;
            }
        }
        return p >= 0 ? p : 1 / (1 + Math.exp(-z));
    }
}
