package io.kefu.kbai.retrieval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.kefu.kbai.KbAiItSupport;
import io.kefu.kbai.knowledge.ImportReport;
import io.kefu.kbai.knowledge.ItemDraft;
import io.kefu.kbai.knowledge.ItemImport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures for the README (printed, not asserted): import of 10,000 items (embeddings included)
 * into one tenant, then search latency under 50 concurrent callers on that 10,000-item tenant.
 * Not part of the normal build; run with
 * {@code ./mvnw -o -pl kb-ai-service -am verify -Dtest=KnowledgeScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class KnowledgeScaleBenchmark extends KbAiItSupport {

    static final String[] PRODUCTS = {"X100音箱", "X200音箱", "X300音箱", "W1手表", "W2手表", "云店助手", "会员卡", "礼品卡", "优惠券", "积分"};
    static final String[] ASPECTS = {"怎么退货", "保修多久", "怎么开发票", "什么时候发货", "怎么连接手机", "价格是多少", "怎么升级", "坏了怎么办",
        "能分期吗", "有什么优惠", "怎么使用", "怎么续费", "支持哪些支付方式", "怎么换货", "多久到货", "在哪里查订单", "怎么注销", "有说明书吗",
        "防水吗", "续航多久"};

    @Autowired
    ItemImport importer;
    @Autowired
    KnowledgeIndex index;
    @Autowired
    KnowledgeSearch search;

    /** 1000 queries from 50 threads; distinct texts (every one runs the model) or repeated ones (the query cache answers). */
    private void run(ExecutorService pool, UUID tenant, List<String> queries, boolean distinct) throws Exception {
        List<Future<Long>> futures = new ArrayList<>();
        long t1 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            String q = queries.get(i % queries.size()) + (distinct ? "，编号" + i : "");
            futures.add(pool.submit(() -> {
                long s = System.nanoTime();
                search.search(tenant, q, 5);
                return System.nanoTime() - s;
            }));
        }
        List<Long> latencies = new ArrayList<>();
        for (Future<Long> f : futures) {
            latencies.add(f.get());
        }
        long wallMs = (System.nanoTime() - t1) / 1_000_000;
        Collections.sort(latencies);
        System.out.printf("search on a 10,000-item tenant, 1000 %s queries from 50 threads: p50 %d ms, p95 %d ms, p99 %d ms, %.0f queries/s%n",
                distinct ? "distinct" : "repeated", latencies.get(500) / 1_000_000, latencies.get(950) / 1_000_000,
                latencies.get(990) / 1_000_000, 1000.0 * 1000 / wallMs);
    }

    @Test
    void tenThousandItems() throws Exception {
        UUID tenant = UUID.randomUUID();
        List<ItemImport.SourceRow> rows = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String product = PRODUCTS[i % PRODUCTS.length] + "-" + (i / (PRODUCTS.length * ASPECTS.length));
            String question = product + ASPECTS[(i / PRODUCTS.length) % ASPECTS.length] + "？";
            rows.add(new ItemImport.SourceRow(i + 1, ItemDraft.of(question, List.of(), "答案" + i, "分类" + (i % 10), List.of(), null, null, true), null));
        }
        // Import with real embeddings: KB_SCALE_IMPORT items (default 10,000; on a machine shared with other
        // builds, a smaller number gives the per-item cost).
        int toImport = Integer.parseInt(System.getenv().getOrDefault("KB_SCALE_IMPORT", "10000"));
        long t0 = System.nanoTime();
        ImportReport report = importer.run(UUID.randomUUID(), rows.subList(0, toImport), null);
        long importMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("load average after the import: %s%n", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
        assertThat(report.created()).isEqualTo(toImport);
        System.out.printf("import of %d items (embeddings included): %d ms (%.1f ms per item)%n", toImport, importMs, (double) importMs / toImport);

        // Search on a 10,000-item tenant: the items' texts (BM25) with synthetic unit vectors, so that the
        // figure does not wait for 10,000 embeddings; the per-query work (one embedding, exact cosine over
        // every vector, BM25, calibration) is the same as with real vectors.
        java.util.Random random = new java.util.Random(7);
        java.time.Instant now = java.time.Instant.now();
        for (ItemImport.SourceRow row : rows) {
            float[] v = new float[io.kefu.kbai.embedding.Embedder.DIMENSIONS];
            double norm = 0;
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) random.nextGaussian();
                norm += v[j] * v[j];
            }
            for (int j = 0; j < v.length; j++) {
                v[j] /= (float) Math.sqrt(norm);
            }
            var d = row.draft();
            index.put(new io.kefu.kbai.knowledge.KnowledgeItem(UUID.randomUUID(), tenant, d.question(), List.of(), d.answer(), d.category(),
                    List.of(), null, null, true, 0, null, now, null, now), new float[][] {v});
        }
        index.refresh();
        List<String> queries = List.of("X200音箱坏了怎么处理", "W2手表能戴着游泳吗", "云店助手要多少钱一年", "会员卡怎么续", "积分怎么用",
                "礼品卡有没有优惠", "X300音箱保修几年", "W1手表怎么连手机", "优惠券在哪里用", "X100音箱什么时候发");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        for (int warm = 0; warm < 20; warm++) {
            search.search(tenant, queries.get(warm % queries.size()), 5);
        }
        run(pool, tenant, queries, true);
        run(pool, tenant, queries, false);
        pool.shutdown();
        long s = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            search.search(tenant, queries.get(i % queries.size()), 5);
        }
        System.out.printf("search, one caller: %.1f ms per query%n", (System.nanoTime() - s) / 1e6 / 100);
        Runtime rt = Runtime.getRuntime();
        System.out.printf("heap used after: %d MB of %d MB max; resident (this JVM: service context, model, 10,000-item index, test harness): %s%n",
                (rt.totalMemory() - rt.freeMemory()) / 1024 / 1024, rt.maxMemory() / 1024 / 1024, resident());
        System.out.printf("load average during the run: %s%n", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
    }

    /** VmRSS of this process (Linux), or "n/a". */
    static String resident() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                    .map(l -> l.replaceAll("\\s+", " ").substring(6).strip()).findFirst().orElse("n/a");
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }
}
