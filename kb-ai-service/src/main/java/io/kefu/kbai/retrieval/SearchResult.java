package io.kefu.kbai.retrieval;

import java.util.List;
import java.util.Optional;

/** The band the policy would choose and the hits, best first (the band is decided by the first). */
public record SearchResult(Band band, List<Hit> hits) {

    public SearchResult {
        hits = List.copyOf(hits);
    }

    public static SearchResult none() {
        return new SearchResult(Band.FALLBACK, List.of());
    }

    public Optional<Hit> best() {
        return hits.isEmpty() ? Optional.empty() : Optional.of(hits.getFirst());
    }
}
