package io.kefu.kbai.embedding;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The import's embedding cost per item, before/after (printed, not asserted; no Spring context):
 * LangChain4j's {@code embedAll} (one model run per text, ONNX Runtime's default threads) against
 * {@link BgeEncoder} (batches of similar length, chosen threads, no spinning), on the same FAQ-like
 * phrasings, back to back, with the load average. Also prints how far the two vectors of each text are
 * apart (they must be the same vectors up to float rounding). Run with
 * {@code ./mvnw -o -pl kb-ai-service -am verify -Dtest=EmbeddingThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code KB_EMBED_TEXTS}, default 1000).
 */
class EmbeddingThroughputBenchmark {

    static List<String> phrasings(int n) {
        String[] products = {"X100音箱", "X200音箱", "X300音箱", "W1手表", "W2手表", "云店助手", "会员卡", "礼品卡", "优惠券", "积分"};
        String[] aspects = {"怎么退货", "保修多久", "怎么开发票", "什么时候发货", "怎么连接手机", "价格是多少", "怎么升级", "坏了怎么办", "能分期吗",
            "有什么优惠", "怎么使用", "怎么续费", "支持哪些支付方式", "怎么换货", "多久到货", "在哪里查订单", "怎么注销", "有说明书吗", "防水吗", "续航多久"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(products[i % products.length] + "-" + (i / (products.length * aspects.length)) + aspects[(i / products.length) % aspects.length]
                    + "？");
        }
        return out;
    }

    static String load() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).strip();
    }

    @Test
    void perItemCostBeforeAndAfter() throws Exception {
        int n = Integer.parseInt(System.getenv().getOrDefault("KB_EMBED_TEXTS", "1000"));
        List<String> texts = phrasings(n);
        String longText = "我上个月买的X200音箱连接手机以后总是断开，".repeat(60); // > 510 tokens: two parts, averaged

        ExecutorService two = Executors.newFixedThreadPool(2);
        BgeSmallZhV15EmbeddingModel stock = new BgeSmallZhV15EmbeddingModel(two);
        stock.embed("预热");
        System.out.printf("[bench] load average before: %s%n", load());
        long t0 = System.nanoTime();
        List<float[]> before = new ArrayList<>();
        for (int from = 0; from < n; from += 256) {
            stock.embedAll(texts.subList(from, Math.min(n, from + 256)).stream().map(TextSegment::from).toList()).content()
                    .forEach(e -> before.add(e.vector()));
        }
        double stockMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf("[bench] LangChain4j embedAll (a run per text, 2 workers, ORT default threads): %d texts in %.0f ms = %.2f ms per text; load %s%n",
                n, stockMs, stockMs / n, load());
        float[] longBefore = stock.embed(longText).content().vector();

        for (int[] setting : new int[][] {{1, 2}, {2, 1}}) {
            int intra = setting[0];
            int workers = setting[1];
            try (BgeEncoder encoder = new BgeEncoder(intra)) {
                encoder.embed(List.of("预热"));
                ExecutorService pool = Executors.newFixedThreadPool(workers);
                long t1 = System.nanoTime();
                List<Future<List<float[]>>> parts = new ArrayList<>();
                int chunk = 256;
                for (int from = 0; from < n; from += chunk) {
                    List<String> slice = texts.subList(from, Math.min(n, from + chunk));
                    parts.add(pool.submit(() -> encoder.embed(slice)));
                }
                List<float[]> after = new ArrayList<>();
                for (Future<List<float[]>> f : parts) {
                    after.addAll(f.get());
                }
                double ms = (System.nanoTime() - t1) / 1e6;
                pool.shutdown();
                double maxDiff = 0;
                double minCos = 1;
                for (int i = 0; i < n; i++) {
                    float[] a = Vectors.unit(before.get(i));
                    float[] b = after.get(i);
                    double dot = 0;
                    for (int j = 0; j < a.length; j++) {
                        maxDiff = Math.max(maxDiff, Math.abs(a[j] - b[j]));
                        dot += a[j] * b[j];
                    }
                    minCos = Math.min(minCos, dot);
                }
                float[] longAfter = encoder.embed(List.of(longText)).getFirst();
                double longDiff = 0;
                float[] la = Vectors.unit(longBefore);
                for (int j = 0; j < la.length; j++) {
                    longDiff = Math.max(longDiff, Math.abs(la[j] - longAfter[j]));
                }
                System.out.printf("[bench] BgeEncoder (batches of %d, %d intra-op thread(s), %d worker(s), no spinning): %d texts in %.0f ms = %.2f ms per text"
                        + " (%.1fx); vs LangChain4j: max |diff| %.2e, min cosine %.7f, long text max |diff| %.2e; load %s%n", BgeEncoder.BATCH, intra,
                        workers, n, ms, ms / n, stockMs / ms, maxDiff, minCos, longDiff, load());
                assertThat(minCos).isGreaterThan(0.9999);
            }
        }
        two.shutdown();
    }
}
