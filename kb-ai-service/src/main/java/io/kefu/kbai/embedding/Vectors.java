package io.kefu.kbai.embedding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Vectors to and from PostgreSQL's bytea: n vectors of {@link Embedder#DIMENSIONS} float32, little-endian. */
public final class Vectors {

    private Vectors() {
    }

    public static byte[] pack(List<float[]> vectors) {
        ByteBuffer buffer = ByteBuffer.allocate(vectors.size() * Embedder.DIMENSIONS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] v : vectors) {
            for (float x : v) {
                buffer.putFloat(x);
            }
        }
        return buffer.array();
    }

    public static float[][] unpack(byte[] bytes) {
        int n = bytes.length / (Embedder.DIMENSIONS * Float.BYTES);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[][] out = new float[n][Embedder.DIMENSIONS];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < Embedder.DIMENSIONS; j++) {
                out[i][j] = buffer.getFloat();
            }
        }
        return out;
    }

    /** {@code v} scaled to length 1 (a dot product of unit vectors is their cosine). */
    public static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    public static List<float[]> list(float[][] vectors) {
        return new ArrayList<>(List.of(vectors));
    }
}
