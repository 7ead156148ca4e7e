package io.kefu.kbai.llm;

/** What a tenant does with questions below the lower threshold: a model-written draft for review, or a person at once. */
public enum LowBand {
    REVIEW, HUMAN;

    public String code() {
        return name().toLowerCase();
    }

    static LowBand of(String code) {
        return valueOf(code.toUpperCase());
    }
}
