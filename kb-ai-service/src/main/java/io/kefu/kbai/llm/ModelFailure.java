package io.kefu.kbai.llm;

/**
 * The model gave no usable answer: refused (429), failed (5xx), timed out, answered garbage or
 * nothing, or its circuit breaker is open. {@code kind} is stored with the answer.
 */
public class ModelFailure extends RuntimeException {

    private final String kind;

    public ModelFailure(String kind, String message, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }
}
