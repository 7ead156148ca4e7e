package io.kefu.stats.metric;

import java.util.List;

/** The facts a batch changed, published together (inside its transaction) so that the live board updates Redis once per batch. */
public record ChangedFacts(List<FactsChanged> changes) {
}
