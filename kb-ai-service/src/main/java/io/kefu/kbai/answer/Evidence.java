package io.kefu.kbai.answer;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** What the KB offers for a question: the band and the closest items, best first. */
public record Evidence(Band band, List<Item> items) {

    public record Item(UUID itemId, String question, String answer, @Nullable String category, double score) {
    }

    public Evidence {
        items = List.copyOf(items);
    }

    public @Nullable Item best() {
        return items.isEmpty() ? null : items.getFirst();
    }

    public double score() {
        return items.isEmpty() ? 0 : items.getFirst().score();
    }

    /** The KB hit rate's numerator: the best item scored at or above the lower threshold. */
    public boolean kbHit() {
        return !items.isEmpty() && band != Band.FALLBACK;
    }
}
