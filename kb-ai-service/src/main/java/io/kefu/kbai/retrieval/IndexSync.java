package io.kefu.kbai.retrieval;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.kefu.common.config.LiveProperties;
import io.kefu.kbai.embedding.Embedder;
import io.kefu.kbai.embedding.Vectors;
import io.kefu.kbai.knowledge.KnowledgeChanged;
import io.kefu.kbai.knowledge.KnowledgeItems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Keeps this instance's {@link KnowledgeIndex} equal to PostgreSQL.
 *
 * <ul>
 * <li>At start (before the web server takes requests) the index is rebuilt from {@code kb_item},
 * vectors included, so nothing is embedded again.</li>
 * <li>A change made on this instance is applied right after its commit ({@link KnowledgeChanged}).</li>
 * <li>Changes made on other instances are read from {@code kb_item_change} every
 * {@code sync-interval} (200 ms): an item changed on one instance answers on all within a second.</li>
 * </ul>
 * Sequence numbers are taken at insert but become visible at commit, so a lower number can appear
 * after a higher one: lines are re-read for {@link #GRACE} after they were written, and each is
 * applied once (applying is idempotent anyway: the item is read again from PostgreSQL).
 */
@Component
class IndexSync implements SmartLifecycle {

    static final Duration GRACE = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(IndexSync.class);

    private final KnowledgeItems items;
    private final KnowledgeIndex index;
    private final Embedder embedder;
    private final LiveProperties<RetrievalProperties> properties;
    private final Set<Long> applied = new HashSet<>();
    private long floor;
    private volatile ScheduledExecutorService poller;

    IndexSync(KnowledgeItems items, KnowledgeIndex index, Embedder embedder, LiveProperties<RetrievalProperties> properties) {
        this.items = items;
        this.index = index;
        this.embedder = embedder;
        this.properties = properties;
    }

    @Override
    public void start() {
        long started = System.nanoTime();
        floor = items.lastChange();
        int[] count = {0};
        items.forEachIndexed(indexed -> {
            load(indexed);
            count[0]++;
        });
        index.refresh();
        log.info("Knowledge index rebuilt from PostgreSQL: {} items in {} ms", count[0], (System.nanoTime() - started) / 1_000_000);
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kb-index-sync");
            t.setDaemon(true);
            return t;
        });
        s.execute(embedder::warmUp);
        long every = Math.max(50, properties.get().syncInterval().toMillis());
        s.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
        poller = s;
    }

    @Override
    public void stop() {
        ScheduledExecutorService s = poller;
        poller = null;
        if (s != null) {
            s.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return poller != null;
    }

    @TransactionalEventListener
    void changedHere(KnowledgeChanged changed) {
        reload(changed.itemIds());
    }

    private void pollSafely() {
        try {
            poll();
            housekeep();
        } catch (RuntimeException e) {
            log.warn("Reading the knowledge change log failed; retrying: {}", e.toString());
        }
    }

    /**
     * Every 10 minutes, change-log lines older than a day go (any instance may do it; deleting twice is
     * harmless). An instance away for longer rebuilds from the items at start anyway.
     */
    private void housekeep() {
        long now = System.nanoTime();
        if (now - lastHousekeeping < HOUSEKEEPING_EVERY.toNanos()) {
            return;
        }
        lastHousekeeping = now;
        int gone = items.forgetChangesBefore(items.databaseNow().minus(Duration.ofDays(1)));
        if (gone > 0) {
            log.debug("Forgot {} knowledge change-log lines older than a day", gone);
        }
    }

    static final Duration HOUSEKEEPING_EVERY = Duration.ofMinutes(10);
    private long lastHousekeeping = System.nanoTime();

    /** Applies the change-log lines not applied yet; returns how many. */
    synchronized int poll() {
        List<KnowledgeItems.Change> changes = items.changesAfter(floor, 5000);
        if (changes.isEmpty()) {
            return 0;
        }
        Set<UUID> toReload = new HashSet<>();
        Instant settled = items.databaseNow().minus(GRACE);
        long newFloor = floor;
        boolean contiguous = true;
        for (KnowledgeItems.Change c : changes) {
            if (applied.add(c.seq())) {
                toReload.add(c.itemId());
            }
            if (contiguous && c.changedAt().isBefore(settled)) {
                newFloor = c.seq();
            } else {
                contiguous = false;
            }
        }
        reload(toReload);
        final long f = newFloor;
        applied.removeIf(seq -> seq <= f);
        floor = newFloor;
        return toReload.size();
    }

    private void reload(Collection<UUID> ids) {
        List<UUID> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += 500) {
            List<UUID> chunk = all.subList(from, Math.min(all.size(), from + 500));
            Set<UUID> found = new HashSet<>();
            for (KnowledgeItems.Indexed indexed : items.findIndexed(chunk)) {
                load(indexed);
                found.add(indexed.item().id());
            }
            for (UUID id : chunk) {
                if (!found.contains(id)) {
                    removeEverywhere(id);
                }
            }
        }
        index.refresh();
    }

    private void removeEverywhere(UUID itemId) {
        // The row is gone, so its tenant is unknown here: the index looks it up by id.
        index.removeById(itemId);
    }

    private void load(KnowledgeItems.Indexed indexed) {
        float[][] vectors = Vectors.unpack(indexed.embedding());
        if (!Embedder.MODEL.equals(indexed.model()) || vectors.length != indexed.item().phrasings().size()) {
            vectors = embedder.embedAll(indexed.item().phrasings()).toArray(float[][]::new);
        }
        index.put(indexed.item(), vectors);
    }

    @Override
    public int getPhase() {
        // Before the web server (which starts in a later phase) so no request meets an empty index.
        return 0;
    }
}
