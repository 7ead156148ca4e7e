package io.kefu.kbai.answer;

/** What retrieval says of a question's best item: above the upper threshold, between the two, or below the lower one. */
public enum Band {
    AUTO, DRAFT, FALLBACK;

    public String code() {
        return name().toLowerCase();
    }
}
