package io.kefu.kbai.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kefu.kbai.embedding.Embedder;
import io.kefu.kbai.knowledge.KnowledgeItem;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * This instance's copy of every tenant's live items, a cache of PostgreSQL: vectors in memory, searched
 * with the same result as an exact cosine over every phrasing of the tenant ({@link TenantShelf}: an int8
 * pass with proven error bounds, then exact rescoring of whatever could be among the best; no HNSW, which
 * would approximate) and a Lucene index (SmartChineseAnalyzer, BM25) for the keyword side. Removing an
 * item takes it out of both at once.
 */
@Component
class KnowledgeIndex implements DisposableBean {

    /** ASCII codes, models, order numbers: the exact terms that the keyword side is there for. */
    static final Pattern TERM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_\\-.]*[A-Za-z0-9]|[0-9]");

    record Entry(KnowledgeItem item, float[][] vectors, QuantizedVector[] quantized, String lowerText, int[] phrasingLengths,
            Set<String> words) {
    }

    private final Map<UUID, TenantShelf> tenants = new ConcurrentHashMap<>();
    /** Per tenant: in how many items each word (of 2+ characters) occurs. */
    private final Map<UUID, Map<String, Integer>> vocabularies = new ConcurrentHashMap<>();
    private final Analyzer analyzer = new SmartChineseAnalyzer();
    private final IndexWriter writer;
    private final SearcherManager searchers;

    KnowledgeIndex() {
        try {
            writer = new IndexWriter(new ByteBuffersDirectory(), new IndexWriterConfig(analyzer));
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void put(KnowledgeItem item, float[][] vectors) {
        StringBuilder text = new StringBuilder();
        for (String p : item.phrasings()) {
            text.append(p).append('\n');
        }
        for (String k : item.keywords()) {
            text.append(k).append('\n');
        }
        int[] lengths = item.phrasings().stream().mapToInt(String::length).toArray();
        Set<String> words = words(text + item.answer());
        QuantizedVector[] quantized = new QuantizedVector[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            quantized[i] = QuantizedVector.of(vectors[i]);
        }
        Entry entry = new Entry(item, vectors, quantized, (text + item.answer()).toLowerCase(Locale.ROOT), lengths, words);
        Entry previous = tenants.computeIfAbsent(item.tenantId(), t -> new TenantShelf()).put(entry);
        Map<String, Integer> vocabulary = vocabularies.computeIfAbsent(item.tenantId(), t -> new ConcurrentHashMap<>());
        if (previous != null) {
            forget(vocabulary, previous.words());
        }
        for (String w : words) {
            vocabulary.merge(w, 1, Integer::sum);
        }
        Document doc = new Document();
        doc.add(new StringField("id", item.id().toString(), Field.Store.YES));
        doc.add(new StringField("tenant", item.tenantId().toString(), Field.Store.NO));
        doc.add(new TextField("text", text.toString(), Field.Store.NO));
        try {
            writer.updateDocument(new Term("id", item.id().toString()), doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void remove(UUID tenantId, UUID itemId) {
        TenantShelf items = tenants.get(tenantId);
        if (items != null) {
            Entry gone = items.remove(itemId);
            if (gone != null) {
                forget(vocabularies.get(tenantId), gone.words());
            }
        }
        try {
            writer.deleteDocuments(new Term("id", itemId.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes an item whose tenant is not known (its row is gone). */
    void removeById(UUID itemId) {
        for (var entry : tenants.entrySet()) {
            Entry gone = entry.getValue().remove(itemId);
            if (gone != null) {
                forget(vocabularies.get(entry.getKey()), gone.words());
                break;
            }
        }
        try {
            writer.deleteDocuments(new Term("id", itemId.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes puts and removes visible to BM25 (vectors are visible at once). */
    void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int size(UUID tenantId) {
        TenantShelf items = tenants.get(tenantId);
        return items == null ? 0 : items.size();
    }

    Collection<Entry> entries(UUID tenantId) {
        TenantShelf items = tenants.get(tenantId);
        return items == null ? List.of() : items.entries();
    }

    Entry entry(UUID tenantId, UUID itemId) {
        TenantShelf items = tenants.get(tenantId);
        return items == null ? null : items.get(itemId);
    }

    /** A candidate by meaning: its best cosine over the item's phrasings and which phrasing. */
    record Scored(Entry entry, double cosine, int phrasing) {
    }

    /** The tenant's {@code n} live items closest to {@code query} by cosine, best first (as an exact scan of all). */
    List<Scored> byMeaning(UUID tenantId, float[] query, Instant now, int n) {
        TenantShelf items = tenants.get(tenantId);
        return items == null ? List.of() : items.nearest(query, now, n);
    }

    /** An item's exact cosine to {@code query}: the best over its phrasings, and which phrasing. */
    static Scored score(Entry e, float[] query) {
        double best = -1;
        int which = 0;
        for (int i = 0; i < e.vectors().length; i++) {
            double c = Embedder.dot(query, e.vectors()[i]);
            if (c > best) {
                best = c;
                which = i;
            }
        }
        return new Scored(e, best, which);
    }

    /** BM25 scores of the tenant's best {@code n} items for the query's words (dead items are left to the caller). */
    Map<UUID, Double> byKeywords(UUID tenantId, String query, int n) {
        Set<String> terms = terms(query);
        if (terms.isEmpty()) {
            return Map.of();
        }
        BooleanQuery.Builder words = new BooleanQuery.Builder();
        int count = 0;
        for (String t : terms) {
            if (count++ >= 64) {
                break;
            }
            words.add(new TermQuery(new Term("text", t)), BooleanClause.Occur.SHOULD);
        }
        BooleanQuery q = new BooleanQuery.Builder().add(words.build(), BooleanClause.Occur.MUST)
                .add(new TermQuery(new Term("tenant", tenantId.toString())), BooleanClause.Occur.FILTER).build();
        Map<UUID, Double> out = new HashMap<>();
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                TopDocs top = searcher.search(q, n);
                var stored = searcher.storedFields();
                for (ScoreDoc d : top.scoreDocs) {
                    out.put(UUID.fromString(stored.document(d.doc).get("id")), (double) d.score);
                }
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    Set<String> terms(String text) {
        Set<String> out = new LinkedHashSet<>();
        try (TokenStream ts = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void forget(Map<String, Integer> vocabulary, Set<String> words) {
        if (vocabulary == null) {
            return;
        }
        for (String w : words) {
            vocabulary.computeIfPresent(w, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** The words of a text that carry meaning: SmartChineseAnalyzer's tokens of 2+ characters (stop words are already gone). */
    Set<String> words(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : terms(text)) {
            if (t.length() >= 2) {
                out.add(t);
            }
        }
        return out;
    }

    /** Whether any live or dead item of the tenant uses this word. */
    boolean known(UUID tenantId, String word) {
        Map<String, Integer> vocabulary = vocabularies.get(tenantId);
        return vocabulary != null && vocabulary.containsKey(word);
    }

    /** In how many of the tenant's items the word occurs. */
    int documentFrequency(UUID tenantId, String word) {
        Map<String, Integer> vocabulary = vocabularies.get(tenantId);
        return vocabulary == null ? 0 : vocabulary.getOrDefault(word, 0);
    }

    /** The ASCII terms (codes, models, numbers of 2+ characters) of a question, lower case. */
    static Set<String> exactTerms(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = TERM.matcher(text);
        while (m.find()) {
            String t = m.group().toLowerCase(Locale.ROOT);
            if (t.length() >= 2) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public void destroy() throws IOException {
        searchers.close();
        writer.close();
    }
}
