package io.kefu.kbai.retrieval;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.kefu.kbai.knowledge.KnowledgeItem;
import org.jspecify.annotations.Nullable;

/** The labelled set in src/test/resources/kb-eval/faq.txt (format described in its header). */
record EvalSet(List<KnowledgeItem> items, List<Query> queries) {

    enum Kind { PARAPHRASE, VARIANT, NEAR_MISS, UNCOVERED }

    /** A question and the item that answers it (null: none does). */
    record Query(String text, @Nullable UUID answer, Kind kind, int itemIndex) {
    }

    static EvalSet load(UUID tenant) {
        try (InputStream in = EvalSet.class.getResourceAsStream("/kb-eval/faq.txt")) {
            List<KnowledgeItem> items = new ArrayList<>();
            List<Query> queries = new ArrayList<>();
            Instant now = Instant.parse("2026-01-01T00:00:00Z");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String body = line.substring(2).strip();
                switch (line.charAt(0)) {
                    case 'I' -> {
                        String[] f = body.split("\\|");
                        List<String> similar = Arrays.stream(f[2].split("；")).map(String::strip).filter(s -> !s.isEmpty()).toList();
                        items.add(new KnowledgeItem(UUID.nameUUIDFromBytes(f[1].getBytes(StandardCharsets.UTF_8)), tenant, f[1], similar, f[3],
                                f[0], List.of(), null, null, true, 0, null, now, null, now));
                    }
                    case 'T' -> queries.add(new Query(body, items.getLast().id(), Kind.PARAPHRASE, items.size() - 1));
                    case 'N' -> queries.add(new Query(body, null, Kind.NEAR_MISS, items.size() - 1));
                    case 'U' -> queries.add(new Query(body, null, Kind.UNCOVERED, -1));
                    default -> throw new IllegalStateException("bad line: " + line);
                }
            }
            return new EvalSet(items, queries);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
