package io.kefu.kbai.retrieval;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.kbai.embedding.Embedder;
import io.kefu.kbai.knowledge.KnowledgeItem;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;

/**
 * Fits the calibration on the labelled set and prints the quality report that kb-ai-service/README.md
 * quotes: hit@1, hit@5, MRR, and per threshold the share of questions auto-sent and the share of
 * auto-sent answers that were wrong — from out-of-fold probabilities (2-fold, grouped by item, so a
 * question is never scored by weights fitted on its own item's questions). Prints the weights fitted
 * on the whole set for {@code kefu.kbai.retrieval.calibration}.
 *
 * <p>Not part of the normal build (the name matches no surefire include); run it with
 * {@code ./mvnw -o -pl kb-ai-service -am verify -Dtest=RetrievalQualityBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class RetrievalQualityBenchmark {

    record Sample(EvalSet.Query query, double[] x, boolean correct, int rankOfAnswer, int fold) {
    }

    @Test
    void report() {
        UUID tenant = UUID.randomUUID();
        EvalSet set = EvalSet.load(tenant);
        Embedder embedder = new Embedder();
        KnowledgeIndex index = new KnowledgeIndex();
        long t0 = System.nanoTime();
        for (KnowledgeItem item : set.items()) {
            index.put(item, embedder.embedAll(item.phrasings()).toArray(float[][]::new));
        }
        index.refresh();
        System.out.printf("indexed %d items in %d ms%n", set.items().size(), (System.nanoTime() - t0) / 1_000_000);
        var properties = LiveProperties.bind(new StandardEnvironment(), RetrievalProperties.class);
        KnowledgeSearch search = new KnowledgeSearch(index, embedder, properties, Clock.systemUTC());

        // Customers also ask the FAQ's own question with a polite prefix or suffix: one such variant per item.
        List<EvalSet.Query> queries = new ArrayList<>(set.queries());
        for (int i = 0; i < set.items().size(); i++) {
            KnowledgeItem item = set.items().get(i);
            String bare = item.question().replaceAll("[？?]$", "");
            queries.add(new EvalSet.Query(i % 2 == 0 ? "请问" + bare : bare + "呢", item.id(), EvalSet.Kind.VARIANT, i));
        }
        List<Sample> samples = new ArrayList<>();
        int answerable = 0;
        int hit1 = 0;
        int hit5 = 0;
        double mrr = 0;
        int cosHit1 = 0;
        for (EvalSet.Query q : queries) {
            String text = KnowledgeSearch.normalise(q.text(), 512);
            float[] v = embedder.embed(text);
            List<KnowledgeSearch.Candidate> ranked = search.rank(tenant, text, v, Instant.now());
            int rank = -1;
            for (int i = 0; i < ranked.size(); i++) {
                if (ranked.get(i).scored().entry().item().id().equals(q.answer())) {
                    rank = i + 1;
                    break;
                }
            }
            if (q.kind() == EvalSet.Kind.PARAPHRASE) {
                answerable++;
                hit1 += rank == 1 ? 1 : 0;
                hit5 += rank >= 1 && rank <= 5 ? 1 : 0;
                mrr += rank >= 1 ? 1.0 / rank : 0;
                var byCos = ranked.stream().max(java.util.Comparator.comparingDouble(c -> c.scored().cosine())).orElseThrow();
                cosHit1 += byCos.scored().entry().item().id().equals(q.answer()) ? 1 : 0;
            }
            KnowledgeSearch.Candidate top = ranked.getFirst();
            boolean correct = q.answer() != null && top.scored().entry().item().id().equals(q.answer());
            int group = q.itemIndex() >= 0 ? q.itemIndex() : Math.floorMod(q.text().hashCode(), 1000);
            samples.add(new Sample(q, top.features().vector(), correct, rank, group % 2));
            if (System.getenv("KB_EVAL_VERBOSE") != null) {
                System.out.printf("%-9s %s | %.3f %s | %s%n", q.kind(), correct ? "OK " : "BAD", top.scored().cosine(),
                        Arrays.toString(top.features().vector()), q.text() + " -> " + top.scored().entry().item().question());
            }
        }
        System.out.printf("queries: %d answerable, %d near misses, %d uncovered%n", answerable,
                set.queries().stream().filter(q -> q.kind() == EvalSet.Kind.NEAR_MISS).count(),
                set.queries().stream().filter(q -> q.kind() == EvalSet.Kind.UNCOVERED).count());
        System.out.printf("hybrid ranking: hit@1 %.3f  hit@5 %.3f  MRR %.3f   (cosine alone: hit@1 %.3f)%n",
                (double) hit1 / answerable, (double) hit5 / answerable, mrr / answerable, (double) cosHit1 / answerable);

        double[] outOfFold = new double[samples.size()];
        for (int fold = 0; fold < 2; fold++) {
            final int f = fold;
            List<Sample> train = samples.stream().filter(s -> s.fold() != f).toList();
            double[] w = Logistic.fit(train);
            List<Double> steps = Isotonic.fit(train, w);
            for (int i = 0; i < samples.size(); i++) {
                if (samples.get(i).fold() == fold) {
                    outOfFold[i] = capped(Isotonic.p(steps, w, samples.get(i).x()), samples.get(i).x());
                }
            }
        }
        double[] all = Logistic.fit(samples);
        List<Double> allSteps = Isotonic.fit(samples, all);
        System.out.println("kefu.kbai.retrieval.calibration (all data): " + String.join(", ", Arrays.stream(all)
                .mapToObj(d -> String.format(Locale.ROOT, "\"%.3f\"", d)).toList()));
        System.out.println("kefu.kbai.retrieval.calibration-steps (all data): " + String.join(", ", allSteps.stream()
                .map(d -> String.format(Locale.ROOT, "\"%.3f\"", d)).toList()));
        double[] current = properties.get().calibration().stream().mapToDouble(Double::doubleValue).toArray();
        List<Double> currentSteps = properties.get().calibrationSteps();
        double[] committed = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            committed[i] = capped(Isotonic.p(currentSteps, current, samples.get(i).x()), samples.get(i).x());
        }
        table("out-of-fold (honest), all queries incl. the 82 polite variants", samples, outOfFold);
        List<Sample> noVariants = new ArrayList<>();
        List<Double> noVariantsP = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).query().kind() != EvalSet.Kind.VARIANT) {
                noVariants.add(samples.get(i));
                noVariantsP.add(outOfFold[i]);
            }
        }
        table("out-of-fold (honest), paraphrases + near misses + uncovered only", noVariants,
                noVariantsP.stream().mapToDouble(Double::doubleValue).toArray());
        table("committed weights (in-sample)", samples, committed);
        reliability(samples, outOfFold);
    }

    private static double capped(double p, double[] x) {
        return x[4] > 0 ? Math.min(p, Calibration.TERM_MISSING_CAP) : p;
    }

    private static void table(String title, List<Sample> samples, double[] p) {
        System.out.println("threshold table, " + title + ": score > t is auto-sent");
        System.out.println("   t   | auto-sent (of all) | answerable auto-sent | wrong among auto | near-miss/uncovered auto");
        for (double t : new double[] {0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95}) {
            int auto = 0;
            int wrong = 0;
            int answerableAuto = 0;
            int answerable = 0;
            int negativesAuto = 0;
            for (int i = 0; i < samples.size(); i++) {
                Sample s = samples.get(i);
                boolean isAnswerable = s.query().answer() != null;
                answerable += isAnswerable ? 1 : 0;
                if (p[i] > t) {
                    auto++;
                    wrong += s.correct() ? 0 : 1;
                    answerableAuto += isAnswerable && s.correct() ? 1 : 0;
                    negativesAuto += isAnswerable ? 0 : 1;
                }
            }
            System.out.printf(Locale.ROOT, "  %.2f |     %5.1f %%        |      %5.1f %%         |     %5.1f %%      |  %d%n", t,
                    100.0 * auto / samples.size(), 100.0 * answerableAuto / answerable, auto == 0 ? 0 : 100.0 * wrong / auto, negativesAuto);
        }
    }

    private static void reliability(List<Sample> samples, double[] p) {
        System.out.println("reliability (out-of-fold): predicted band -> observed share right");
        double[] edges = {0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0001};
        for (int b = 0; b < edges.length - 1; b++) {
            int n = 0;
            int right = 0;
            double sum = 0;
            for (int i = 0; i < samples.size(); i++) {
                if (p[i] >= edges[b] && p[i] < edges[b + 1]) {
                    n++;
                    sum += p[i];
                    right += samples.get(i).correct() ? 1 : 0;
                }
            }
            System.out.printf(Locale.ROOT, "  [%.1f, %.1f): n=%3d  mean predicted %.2f  observed %.2f%n", edges[b], Math.min(1, edges[b + 1]), n,
                    n == 0 ? 0 : sum / n, n == 0 ? 0 : (double) right / n);
        }
    }

    /**
     * Pool-adjacent-violators on the logistic's log-odds, blocks of at least 5 samples; each block's value is
     * the lower bound of a one-sided 90 % Wilson interval of its share right — conservative on purpose: the
     * questions the service meets are not this set, and a wrong auto-send costs more than a draft.
     */
    static final class Isotonic {

        static double wilsonLower(double right, double n) {
            double z = 1.2816;
            double phat = right / n;
            double denominator = 1 + z * z / n;
            double centre = phat + z * z / (2 * n);
            double spread = z * Math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n));
            return Math.max(0, (centre - spread) / denominator);
        }

        static double p(List<Double> steps, double[] w, double[] x) {
            double z = 0;
            for (int i = 0; i < x.length; i++) {
                z += w[i] * x[i];
            }
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

        static List<Double> fit(List<Sample> samples, double[] w) {
            List<double[]> points = new ArrayList<>();
            for (Sample s : samples) {
                points.add(new double[] {Logistic.z(w, s.x()), s.correct() ? 1 : 0});
            }
            points.sort(java.util.Comparator.comparingDouble(a -> a[0]));
            // blocks: [startZ, sumY, n]
            List<double[]> blocks = new ArrayList<>();
            for (double[] pt : points) {
                blocks.add(new double[] {pt[0], pt[1], 1});
                while (blocks.size() > 1) {
                    double[] last = blocks.get(blocks.size() - 1);
                    double[] prev = blocks.get(blocks.size() - 2);
                    boolean violates = prev[1] / prev[2] >= last[1] / last[2];
                    boolean small = prev[2] < 5;
                    if (!violates && !small) {
                        break;
                    }
                    prev[1] += last[1];
                    prev[2] += last[2];
                    blocks.remove(blocks.size() - 1);
                }
            }
            // a small last block joins the previous one
            while (blocks.size() > 1 && blocks.getLast()[2] < 5) {
                double[] last = blocks.removeLast();
                blocks.getLast()[1] += last[1];
                blocks.getLast()[2] += last[2];
            }
            List<Double> steps = new ArrayList<>();
            double floor = 0;
            for (int i = 0; i < blocks.size(); i++) {
                double[] b = blocks.get(i);
                double p = Math.max(floor, wilsonLower(b[1], b[2]));
                System.out.printf(Locale.ROOT, "  isotonic block from z=%.3f: %d of %d right -> %.3f%n", b[0], (int) b[1], (int) b[2], p);
                floor = p;
                steps.add(i == 0 ? -1000.0 : b[0]);
                steps.add(p);
            }
            return steps;
        }
    }

    /** L2-regularised logistic regression by Newton's method. */
    static final class Logistic {

        static double z(double[] w, double[] x) {
            double z = 0;
            for (int i = 0; i < x.length; i++) {
                z += w[i] * x[i];
            }
            return z;
        }

        static double p(double[] w, double[] x) {
            double z = 0;
            for (int i = 0; i < x.length; i++) {
                z += w[i] * x[i];
            }
            return 1 / (1 + Math.exp(-z));
        }

        static double[] fit(List<Sample> samples) {
            int d = samples.getFirst().x().length;
            double[] w = new double[d];
            double lambda = 0.05;
            for (int iter = 0; iter < 50; iter++) {
                double[] grad = new double[d];
                double[][] hess = new double[d][d];
                for (Sample s : samples) {
                    double pi = p(w, s.x());
                    double y = s.correct() ? 1 : 0;
                    for (int a = 0; a < d; a++) {
                        grad[a] += (pi - y) * s.x()[a];
                        for (int b = 0; b < d; b++) {
                            hess[a][b] += pi * (1 - pi) * s.x()[a] * s.x()[b];
                        }
                    }
                }
                for (int a = 1; a < d; a++) {
                    grad[a] += lambda * w[a];
                    hess[a][a] += lambda;
                }
                hess[0][0] += 1e-6;
                double[] step = solve(hess, grad);
                double change = 0;
                for (int a = 0; a < d; a++) {
                    w[a] -= step[a];
                    change += Math.abs(step[a]);
                }
                if (change < 1e-8) {
                    break;
                }
            }
            return w;
        }

        private static double[] solve(double[][] a, double[] b) {
            int n = b.length;
            double[][] m = new double[n][n + 1];
            for (int i = 0; i < n; i++) {
                System.arraycopy(a[i], 0, m[i], 0, n);
                m[i][n] = b[i];
            }
            for (int c = 0; c < n; c++) {
                int pivot = c;
                for (int r = c + 1; r < n; r++) {
                    if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
                        pivot = r;
                    }
                }
                double[] tmp = m[c];
                m[c] = m[pivot];
                m[pivot] = tmp;
                for (int r = 0; r < n; r++) {
                    if (r != c && m[c][c] != 0) {
                        double f = m[r][c] / m[c][c];
                        for (int k = c; k <= n; k++) {
                            m[r][k] -= f * m[c][k];
                        }
                    }
                }
            }
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = m[i][i] == 0 ? 0 : m[i][n] / m[i][i];
            }
            return x;
        }
    }
}
