package io.kefu.kbai.retrieval;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import io.kefu.kbai.embedding.Embedder;
import io.kefu.kbai.embedding.Vectors;
import io.kefu.kbai.knowledge.KnowledgeItem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The int8 pass with its error bounds finds exactly what scoring every item exactly finds. */
class TenantShelfTest {

    private final Random random = new Random(11);
    private final Instant now = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void theNearestItemsAreThoseOfAnExactScanOfEveryItem() {
        UUID tenant = UUID.randomUUID();
        TenantShelf shelf = new TenantShelf();
        // clusters of near-duplicates (FAQ phrasings of one topic), 1-3 phrasings per item, some items not live
        float[][] centres = new float[40][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = Vectors.unit(gaussian(1));
        }
        for (int i = 0; i < 3000; i++) {
            int phrasings = 1 + i % 3;
            float[][] vectors = new float[phrasings][];
            for (int p = 0; p < phrasings; p++) {
                vectors[p] = near(centres[random.nextInt(centres.length)], 0.02 + random.nextDouble() * 0.5);
            }
            boolean enabled = i % 17 != 0;
            Instant until = i % 23 == 0 ? now.minusSeconds(60) : null;
            shelf.put(entry(tenant, vectors, enabled, until));
        }
        for (int round = 0; round < 50; round++) {
            float[] query = near(centres[round % centres.length], round % 2 == 0 ? 0.05 : 0.4);
            for (int n : new int[] {1, 2, 20}) {
                List<KnowledgeIndex.Scored> found = shelf.nearest(query, now, n);
                List<KnowledgeIndex.Scored> exact = shelf.entries().stream().filter(e -> e.item().answersAt(now))
                        .map(e -> KnowledgeIndex.score(e, query)).sorted(Comparator.comparingDouble(KnowledgeIndex.Scored::cosine).reversed())
                        .limit(n).toList();
                assertThat(found).extracting(KnowledgeIndex.Scored::cosine).containsExactlyElementsOf(exact.stream().map(KnowledgeIndex.Scored::cosine).toList());
                assertThat(found).extracting(KnowledgeIndex.Scored::phrasing).containsExactlyElementsOf(exact.stream().map(KnowledgeIndex.Scored::phrasing).toList());
            }
        }
    }

    @Test
    void aChangeIsSeenByTheNextSearchAndFewItemsAreAllReturned() {
        UUID tenant = UUID.randomUUID();
        TenantShelf shelf = new TenantShelf();
        float[] query = Vectors.unit(gaussian(1));
        KnowledgeIndex.Entry far = entry(tenant, new float[][] {near(query, 2)}, true, null);
        shelf.put(far);
        assertThat(shelf.nearest(query, now, 20)).extracting(s -> s.entry().item().id()).containsExactly(far.item().id());
        KnowledgeIndex.Entry close = entry(tenant, new float[][] {Vectors.unit(gaussian(1)), query.clone()}, true, null);
        shelf.put(close);
        List<KnowledgeIndex.Scored> both = shelf.nearest(query, now, 20);
        assertThat(both).extracting(s -> s.entry().item().id()).containsExactly(close.item().id(), far.item().id());
        assertThat(both.getFirst().phrasing()).isEqualTo(1);
        shelf.remove(close.item().id());
        assertThat(shelf.nearest(query, now, 20)).extracting(s -> s.entry().item().id()).containsExactly(far.item().id());
        shelf.put(entry(tenant, far.item().id(), new float[][] {query.clone()}, false, null));
        assertThat(shelf.nearest(query, now, 20)).isEmpty();
    }

    private KnowledgeIndex.Entry entry(UUID tenant, float[][] vectors, boolean enabled, Instant until) {
        return entry(tenant, UUID.randomUUID(), vectors, enabled, until);
    }

    private static KnowledgeIndex.Entry entry(UUID tenant, UUID id, float[][] vectors, boolean enabled, Instant until) {
        KnowledgeItem item = new KnowledgeItem(id, tenant, "q", java.util.Collections.nCopies(vectors.length - 1, "p"), "a", null, List.of(),
                null, until, enabled, 0, null, Instant.EPOCH, null, Instant.EPOCH);
        QuantizedVector[] quantized = new QuantizedVector[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            quantized[i] = QuantizedVector.of(vectors[i]);
        }
        return new KnowledgeIndex.Entry(item, vectors, quantized, "q", new int[vectors.length], java.util.Set.of());
    }

    private float[] gaussian(double sigma) {
        float[] v = new float[Embedder.DIMENSIONS];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * sigma);
        }
        return v;
    }

    /** A unit vector near {@code centre}: noise of about {@code spread} times the centre's length. */
    private float[] near(float[] centre, double spread) {
        float[] noise = gaussian(spread / Math.sqrt(Embedder.DIMENSIONS));
        float[] v = new float[centre.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = centre[i] + noise[i];
        }
        return Vectors.unit(v);
    }
}
