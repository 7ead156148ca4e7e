package io.kefu.kbai.retrieval;

/**
 * What the answer policy does with a search: {@code AUTO} sends the best item's answer at once (its
 * calibrated score is above the tenant's auto threshold), {@code DRAFT} has it rewritten for review
 * (score at or above the draft threshold), {@code FALLBACK} is everything else (including no item).
 */
public enum Band {
    AUTO, DRAFT, FALLBACK;

    /** The band's name in the API: {@code auto}, {@code draft}, {@code fallback}. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
