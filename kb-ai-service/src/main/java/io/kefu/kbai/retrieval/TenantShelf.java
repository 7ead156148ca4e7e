package io.kefu.kbai.retrieval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.lucene.util.VectorUtil;

/**
 * One tenant's items in {@link KnowledgeIndex}, and the search by meaning over them.
 *
 * <p>The scan: items are read from an array (rebuilt on the first search after a change, not from the
 * map on every question), each phrasing's int8 copy gives an approximate cosine with a proven error bound
 * ({@link QuantizedVector}), and only items whose upper bound reaches the n-th best lower bound are
 * rescored with the exact float vectors. The result is the same as scoring every item exactly: an item
 * left out has an upper bound below n items' lower bounds, so n items beat it for certain. No
 * approximate index (HNSW): nothing that could be the best item, or the best other item the calibration's
 * margin needs, is ever skipped.
 */
final class TenantShelf {

    private final Map<UUID, KnowledgeIndex.Entry> items = new ConcurrentHashMap<>();
    /** Bumped after every change of {@link #items}: a snapshot of an older version is stale. */
    private final AtomicLong version = new AtomicLong();
    private volatile Snapshot snapshot = Snapshot.of(-1, new KnowledgeIndex.Entry[0]);

    /**
     * The entries as laid out for the scan: what the first pass reads per phrasing sits in arrays
     * allocated in order (the int8 values copied into fresh arrays one after the other), so the scan
     * streams through memory instead of chasing an entry, its item and its vectors per phrasing — on a
     * busy host that pointer chasing, not the arithmetic, was most of the scan.
     *
     * @param state       per entry: {@link #DEAD} (disabled), {@link #LIVE}, or {@link #WINDOWED} (ask the item)
     * @param first       per entry, its first phrasing's index; {@code first[entries.length]} = phrasings
     */
    private record Snapshot(long version, KnowledgeIndex.Entry[] entries, byte[] state, int[] first, byte[][] values, float[] scale,
            float[] residual, float[] roundedNorm) {

        static Snapshot of(long version, KnowledgeIndex.Entry[] entries) {
            int phrasings = 0;
            for (KnowledgeIndex.Entry e : entries) {
                phrasings += e.quantized().length;
            }
            byte[] state = new byte[entries.length];
            int[] first = new int[entries.length + 1];
            byte[][] values = new byte[phrasings][];
            float[] scale = new float[phrasings];
            float[] residual = new float[phrasings];
            float[] roundedNorm = new float[phrasings];
            int v = 0;
            for (int i = 0; i < entries.length; i++) {
                var item = entries[i].item();
                state[i] = !item.enabled() ? DEAD : item.validFrom() == null && item.validUntil() == null ? LIVE : WINDOWED;
                first[i] = v;
                for (QuantizedVector q : entries[i].quantized()) {
                    values[v] = q.values().clone();
                    scale[v] = q.scale();
                    residual[v] = q.residual();
                    roundedNorm[v] = q.roundedNorm();
                    v++;
                }
            }
            first[entries.length] = v;
            return new Snapshot(version, entries, state, first, values, scale, residual, roundedNorm);
        }
    }

    private static final byte DEAD = 0;
    private static final byte LIVE = 1;
    private static final byte WINDOWED = 2;

    KnowledgeIndex.Entry put(KnowledgeIndex.Entry entry) {
        KnowledgeIndex.Entry previous = items.put(entry.item().id(), entry);
        version.incrementAndGet();
        return previous;
    }

    KnowledgeIndex.Entry remove(UUID itemId) {
        KnowledgeIndex.Entry gone = items.remove(itemId);
        if (gone != null) {
            version.incrementAndGet();
        }
        return gone;
    }

    KnowledgeIndex.Entry get(UUID itemId) {
        return items.get(itemId);
    }

    int size() {
        return items.size();
    }

    Collection<KnowledgeIndex.Entry> entries() {
        return items.values();
    }

    /**
     * The entries as of now. The version is read before the map, so a change that lands while the
     * snapshot is built leaves a newer version behind and the next search builds again.
     */
    private Snapshot current() {
        long v = version.get();
        Snapshot s = snapshot;
        if (s.version() == v) {
            return s;
        }
        s = Snapshot.of(v, items.values().toArray(KnowledgeIndex.Entry[]::new));
        snapshot = s;
        return s;
    }

    /** The {@code n} live items closest to {@code query} by exact cosine, best first. */
    List<KnowledgeIndex.Scored> nearest(float[] query, Instant now, int n) {
        Snapshot s = current();
        KnowledgeIndex.Entry[] entries = s.entries();
        QuantizedVector q = QuantizedVector.of(query);
        byte[] qValues = q.values();
        float[] upper = new float[entries.length];
        TopFloats best = new TopFloats(n);
        int live = 0;
        for (int i = 0; i < entries.length; i++) {
            byte state = s.state()[i];
            if (state == DEAD || state == WINDOWED && !entries[i].item().answersAt(now)) {
                upper[i] = Float.NEGATIVE_INFINITY;
                continue;
            }
            live++;
            float lo = Float.NEGATIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int v = s.first()[i]; v < s.first()[i + 1]; v++) {
                // |exact − approx| ≤ ‖q‖·residual(x) + residual(q)·‖x̃‖ (QuantizedVector), plus float rounding
                float approx = VectorUtil.dotProduct(qValues, s.values()[v]) * q.scale() * s.scale()[v];
                float error = q.norm() * s.residual()[v] + q.residual() * s.roundedNorm()[v] + QuantizedVector.ROUNDING;
                lo = Math.max(lo, approx - error);
                hi = Math.max(hi, approx + error);
            }
            upper[i] = hi;
            best.offer(lo);
        }
        if (live == 0) {
            return List.of();
        }
        // every live item when there are no more than n of them
        float threshold = live <= n ? Float.NEGATIVE_INFINITY : best.least();
        List<KnowledgeIndex.Scored> out = new ArrayList<>();
        for (int i = 0; i < entries.length; i++) {
            if (upper[i] != Float.NEGATIVE_INFINITY && upper[i] >= threshold) {
                out.add(KnowledgeIndex.score(entries[i], query));
            }
        }
        out.sort(Comparator.comparingDouble(KnowledgeIndex.Scored::cosine).reversed());
        return out.size() > n ? List.copyOf(out.subList(0, n)) : out;
    }

    /** The n largest values offered (a min-heap): {@link #least()} is the n-th largest. */
    private static final class TopFloats {
        private final float[] heap;
        private int size;

        TopFloats(int n) {
            heap = new float[n];
        }

        void offer(float x) {
            if (size < heap.length) {
                heap[size] = x;
                int i = size++;
                while (i > 0 && heap[(i - 1) / 2] > heap[i]) {
                    swap(i, (i - 1) / 2);
                    i = (i - 1) / 2;
                }
            } else if (x > heap[0]) {
                heap[0] = x;
                int i = 0;
                while (true) {
                    int l = 2 * i + 1;
                    int r = l + 1;
                    int m = i;
                    if (l < size && heap[l] < heap[m]) {
                        m = l;
                    }
                    if (r < size && heap[r] < heap[m]) {
                        m = r;
                    }
                    if (m == i) {
                        break;
                    }
                    swap(i, m);
                    i = m;
                }
            }
        }

        float least() {
            return heap[0];
        }

        private void swap(int a, int b) {
            float t = heap[a];
            heap[a] = heap[b];
            heap[b] = t;
        }
    }
}
