package io.kefu.kbai.embedding;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Chinese sentence vectors from bge-small-zh-v1.5, in process (ONNX Runtime, no network).
 *
 * <p>Memory: one ONNX session per JVM ({@link BgeEncoder}, static, ~550 MB resident with the runtime's
 * arenas), so a second application context in the same JVM (the two-instance test) shares it. It is
 * loaded on first use, and warmed at start by {@code IndexSync} so that no customer waits for it.
 *
 * <p>Speed: a run of the model uses one thread (ONNX Runtime's intra-op pool of 1, idle threads not
 * spinning). Parallelism comes from the callers instead: a query is embedded on the caller's thread,
 * so concurrent questions use the cores side by side without each run also splitting itself across
 * them (on 2 cores, two runs × two threads fought each other and every other process); batch
 * embedding (imports) runs batches of up to 32 texts of similar length on {@code ≤ 2} workers.
 * Measured: {@code EmbeddingThroughputBenchmark}, README "Figures". Vectors are L2-normalised, so a dot
 * product is the cosine.
 *
 * <p>No query instruction prefix: questions are matched against questions (symmetric), and the
 * prefix only lowers every cosine by ~0.07 (../shared/STACK.md).
 */
@Component
public class Embedder implements DisposableBean {

    public static final String MODEL = "bge-small-zh-v1.5";
    public static final int DIMENSIONS = 512;
    /** Texts per task of a batch embedding: a task is a few model runs ({@link BgeEncoder#BATCH} each). */
    static final int TASK = 128;
    private static final Logger log = LoggerFactory.getLogger(Embedder.class);
    private static volatile BgeEncoder shared;

    private final ExecutorService batchWorkers;
    private final AtomicLong textsEmbedded = new AtomicLong();

    public Embedder() {
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        AtomicInteger n = new AtomicInteger();
        this.batchWorkers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "kb-embed-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static BgeEncoder model() {
        BgeEncoder m = shared;
        if (m == null) {
            synchronized (Embedder.class) {
                if (shared == null) {
                    long started = System.nanoTime();
                    BgeEncoder loaded = new BgeEncoder(1);
                    loaded.embed(List.of("预热"));
                    shared = loaded;
                    log.info("Loaded {} in {} ms", MODEL, (System.nanoTime() - started) / 1_000_000);
                }
                m = shared;
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
        float[] v = model().embed(List.of(text)).getFirst();
        textsEmbedded.incrementAndGet();
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

    /** The vectors of {@code texts}, in order: tasks of {@link #TASK} texts on the batch workers. */
    public List<float[]> embedAll(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        BgeEncoder encoder = model();
        textsEmbedded.addAndGet(texts.size());
        if (texts.size() <= TASK) {
            return encoder.embed(texts);
        }
        List<Future<List<float[]>>> tasks = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += TASK) {
            List<String> slice = texts.subList(from, Math.min(texts.size(), from + TASK));
            tasks.add(batchWorkers.submit(() -> encoder.embed(slice)));
        }
        List<float[]> out = new ArrayList<>(texts.size());
        try {
            for (Future<List<float[]>> task : tasks) {
                out.addAll(task.get());
            }
        } catch (InterruptedException e) {
            tasks.forEach(t -> t.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while embedding", e);
        } catch (ExecutionException e) {
            tasks.forEach(t -> t.cancel(true));
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        return out;
    }

    /** Texts this instance ran through the model so far (cache hits and reused vectors not counted). */
    public long textsEmbedded() {
        return textsEmbedded.get();
    }

    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public void destroy() {
        batchWorkers.shutdownNow();
    }
}
