package io.kefu.kbai.embedding;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Chinese sentence vectors from bge-small-zh-v1.5, in process (ONNX Runtime, no network).
 *
 * <p>Memory: LangChain4j keeps the model in one static ONNX session per JVM (~550 MB resident with the
 * runtime's arenas), so a second application context in the same JVM (the two-instance test) shares
 * it. It is loaded on first use, and warmed at start by {@code IndexSync} so that no customer waits
 * for it. Batch embedding (imports) runs on {@code threads} workers; a query is embedded on the
 * caller's thread. Vectors are L2-normalised, so a dot product is the cosine.
 *
 * <p>No query instruction prefix: questions are matched against questions (symmetric), and the
 * prefix only lowers every cosine by ~0.07 (../shared/STACK.md).
 */
@Component
public class Embedder implements DisposableBean {

    public static final String MODEL = "bge-small-zh-v1.5";
    public static final int DIMENSIONS = 512;
    private static final Logger log = LoggerFactory.getLogger(Embedder.class);

    private final ExecutorService batchWorkers;
    private volatile EmbeddingModel model;

    public Embedder() {
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        AtomicInteger n = new AtomicInteger();
        this.batchWorkers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "kb-embed-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private EmbeddingModel model() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) {
                    long started = System.nanoTime();
                    model = new BgeSmallZhV15EmbeddingModel(batchWorkers);
                    model.embed("预热");
                    log.info("Loaded {} in {} ms", MODEL, (System.nanoTime() - started) / 1_000_000);
                }
                m = model;
            }
        }
        return m;
    }

    /** Loads the model now (idempotent). */
    public void warmUp() {
        model();
    }

    /**
     * The vector of one text. The last {@link #CACHED} distinct texts are remembered (~2 KB each): customers
     * ask the same questions again and again, and a repeated question then costs no model run.
     */
    public float[] embed(String text) {
        synchronized (cache) {
            float[] hit = cache.get(text);
            if (hit != null) {
                return hit;
            }
        }
        float[] v = normalised(model().embed(text).content().vector());
        synchronized (cache) {
            cache.put(text, v);
        }
        return v;
    }

    static final int CACHED = 5_000;
    private final java.util.Map<String, float[]> cache = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, float[]> eldest) {
            return size() > CACHED;
        }
    };

    public List<float[]> embedAll(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        List<Embedding> embeddings = model().embedAll(segments).content();
        List<float[]> out = new ArrayList<>(embeddings.size());
        for (Embedding e : embeddings) {
            out.add(normalised(e.vector()));
        }
        return out;
    }

    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static float[] normalised(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return v;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    @Override
    public void destroy() {
        batchWorkers.shutdownNow();
    }
}
