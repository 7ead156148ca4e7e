package io.kefu.kbai.retrieval;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import io.kefu.kbai.embedding.Embedder;
import org.springframework.stereotype.Service;

/**
 * Hybrid search over a tenant's live items, with a calibrated score and the band the answer policy
 * would choose.
 *
 * <p>Ranking: the embedding's cosine (it ranks real questions best), nudged by BM25 and by exact
 * terms: {@code rank = cos + 0.04·bm25/bm25max + 0.08·(question's ASCII terms all found in the item)}
 * — the keyword side decides between items that mean nearly the same but name different products,
 * error codes or order numbers. Scoring: {@link Calibration} turns the top candidate's signals into
 * P(correct); each other hit is scored with its own signals (its margin is negative, so it scores lower).
 *
 * <p>Questions: stripped, whitespace collapsed, cut to {@code maxQueryChars} (512 by default: the
 * model reads at most 512 tokens). A blank question finds nothing (band fallback).
 */
@Service
public class KnowledgeSearch {

    static final double BM25_WEIGHT = 0.04;
    static final double TERM_WEIGHT = 0.08;
    private static final int CANDIDATES = 20;

    private final KnowledgeIndex index;
    private final Embedder embedder;
    private final LiveProperties<RetrievalProperties> properties;
    private final Clock clock;

    KnowledgeSearch(KnowledgeIndex index, Embedder embedder, LiveProperties<RetrievalProperties> properties, Clock clock) {
        this.index = index;
        this.embedder = embedder;
        this.properties = properties;
        this.clock = clock;
    }

    public SearchResult search(UUID tenantId, String query, int topK) {
        RetrievalProperties p = properties.get();
        String q = normalise(query, p.maxQueryChars());
        int k = Math.max(1, Math.min(topK, 50));
        if (q.isEmpty() || index.size(tenantId) == 0) {
            return SearchResult.none();
        }
        List<Candidate> ranked = rank(tenantId, q, embedder.embed(q), clock.instant());
        if (ranked.isEmpty()) {
            return SearchResult.none();
        }
        List<Hit> hits = new ArrayList<>();
        for (Candidate c : ranked.subList(0, Math.min(k, ranked.size()))) {
            var item = c.scored().entry().item();
            hits.add(new Hit(item.id(), item.question(), item.answer(), item.category(), Calibration.score(p.calibration(), p.calibrationSteps(), c.features())));
        }
        return new SearchResult(band(tenantId, hits.getFirst().score()), hits);
    }

    /** The band of a calibrated score under the tenant's thresholds. */
    public Band band(UUID tenantId, double score) {
        RetrievalProperties p = properties.get();
        if (score > p.autoThreshold(tenantId)) {
            return Band.AUTO;
        }
        return score >= p.draftThreshold(tenantId) ? Band.DRAFT : Band.FALLBACK;
    }

    /** The tenant's draft threshold: a best hit at or above it counts as a KB hit. */
    public double draftThreshold(UUID tenantId) {
        return properties.get().draftThreshold(tenantId);
    }

    /** A candidate with its raw signals, its rank value and its calibration features. */
    record Candidate(KnowledgeIndex.Scored scored, double bm25, double rank, Calibration.Features features) {
    }

    /** Candidates of a question, best first (also read by the calibration benchmark). */
    List<Candidate> rank(UUID tenantId, String q, float[] vector, Instant now) {
        List<KnowledgeIndex.Scored> nearest = index.byMeaning(tenantId, vector, now, CANDIDATES);
        if (nearest.isEmpty()) {
            return List.of();
        }
        Map<UUID, KnowledgeIndex.Scored> pool = new HashMap<>();
        for (KnowledgeIndex.Scored s : nearest) {
            pool.put(s.entry().item().id(), s);
        }
        Map<UUID, Double> bm25 = index.byKeywords(tenantId, q, CANDIDATES);
        UUID bm25Best = null;
        double bm25Max = 0;
        for (var e : bm25.entrySet()) {
            KnowledgeIndex.Scored s = pool.get(e.getKey());
            if (s == null) {
                var entry = index.entry(tenantId, e.getKey());
                if (entry == null || !entry.item().answersAt(now)) {
                    continue;
                }
                s = KnowledgeIndex.score(entry, vector);
                pool.put(e.getKey(), s);
            }
            if (e.getValue() > bm25Max) {
                bm25Max = e.getValue();
                bm25Best = e.getKey();
            }
        }
        Set<String> terms = KnowledgeIndex.exactTerms(q);
        Set<String> words = index.words(q);
        int unknown = (int) Math.min(3, words.stream().filter(w -> !index.known(tenantId, w)).count());
        int items = Math.max(1, index.size(tenantId));
        List<Candidate> out = new ArrayList<>(pool.size());
        double[] topTwo = topTwoCosines(pool.values());
        for (KnowledgeIndex.Scored s : pool.values()) {
            UUID id = s.entry().item().id();
            double b = bm25.getOrDefault(id, 0.0);
            boolean allTerms = !terms.isEmpty() && terms.stream().allMatch(t -> s.entry().lowerText().contains(t));
            boolean missing = !terms.isEmpty() && !allTerms;
            double rank = s.cosine() + (bm25Max > 0 ? BM25_WEIGHT * b / bm25Max : 0) + (allTerms ? TERM_WEIGHT : 0);
            double otherBest = s.cosine() >= topTwo[0] ? topTwo[1] : topTwo[0];
            int len = s.entry().phrasingLengths()[s.phrasing()];
            double lengthRatio = (double) Math.min(len, q.length()) / Math.max(1, Math.max(len, q.length()));
            double coverage = words.isEmpty() ? 1
                    : (double) words.stream().filter(w -> s.entry().words().contains(w)).count() / words.size();
            double missingKnown = 0;
            for (String w : words) {
                int df = index.documentFrequency(tenantId, w);
                if (df > 0 && !s.entry().words().contains(w)) {
                    missingKnown = Math.max(missingKnown, Math.log((double) (items + 1) / df) / Math.log(items + 1));
                }
            }
            out.add(new Candidate(s, b, rank, new Calibration.Features(s.cosine(), s.cosine() - otherBest,
                    id.equals(bm25Best) ? 1 : 0, missing ? 1 : 0, lengthRatio, coverage, unknown, missingKnown)));
        }
        out.sort(Comparator.comparingDouble(Candidate::rank).reversed());
        return out;
    }

    private static double[] topTwoCosines(Iterable<KnowledgeIndex.Scored> scored) {
        double first = -1;
        double second = -1;
        for (KnowledgeIndex.Scored s : scored) {
            if (s.cosine() > first) {
                second = first;
                first = s.cosine();
            } else if (s.cosine() > second) {
                second = s.cosine();
            }
        }
        return new double[] {first, second < -0.5 ? 0 : second};
    }

    static String normalise(String query, int maxChars) {
        if (query == null) {
            return "";
        }
        String q = query.replace('\u0000', ' ').strip().replaceAll("\\s+", " ");
        if (q.length() > maxChars) {
            int end = maxChars;
            if (Character.isHighSurrogate(q.charAt(end - 1))) {
                end--;
            }
            q = q.substring(0, end);
        }
        return q;
    }
}
