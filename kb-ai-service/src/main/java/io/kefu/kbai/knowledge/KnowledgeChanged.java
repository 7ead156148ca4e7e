package io.kefu.kbai.knowledge;

import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/**
 * Items of a tenant were created, changed or deleted on this instance (a Spring event, published
 * after the commit). The local index applies it at once; other instances learn the same change from
 * {@code kb_item_change} (see retrieval's {@code IndexSync}).
 */
public record KnowledgeChanged(UUID tenantId, Set<UUID> itemIds) {

    public KnowledgeChanged(UUID tenantId, Collection<UUID> itemIds) {
        this(tenantId, Set.copyOf(itemIds));
    }
}
