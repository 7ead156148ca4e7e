package io.kefu.chat.conversation;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ConversationRepository extends JpaRepository<Conversation, UUID> {

    /**
     * The customer's open conversation with the tenant (a unique index allows one), read once per
     * customer message. The statuses are enum literals, which Hibernate renders inline through the
     * converter: {@code status in ('waiting','active')}, the very predicate of the partial unique index
     * {@code conversation_open_per_customer}. As parameters (the {@code status in ?3} this replaces)
     * PostgreSQL's generic plan of the prepared statement could not prove that predicate and scanned
     * {@code conversation_tenant_status} on {@code tenant_id} alone, every conversation of the tenant,
     * ended ones included; and Hibernate expanded the list on every call. JPQL rather than native SQL:
     * Hibernate caches its translation, while a native query's entity mapping was built afresh on
     * every call (half of this method's CPU samples under load).
     */
    @Query("select c from Conversation c where c.tenantId = ?1 and c.customerId = ?2 and c.status in "
            + "(io.kefu.chat.conversation.ConversationStatus.WAITING, io.kefu.chat.conversation.ConversationStatus.ACTIVE)")
    Optional<Conversation> findOpen(UUID tenantId, UUID customerId);

    @Query("select c from Conversation c where c.customerId = ?1 order by c.startedAt desc")
    List<Conversation> findByCustomer(UUID customerId, Limit limit);

    @Query("select c from Conversation c where c.tenantId = ?1 and (?2 is null or c.status = ?2) order by c.lastMessageAt desc")
    List<Conversation> findByTenant(UUID tenantId, @Nullable ConversationStatus status, Limit limit);

    @Query("select c from Conversation c where c.agentId = ?1 and (?2 is null or c.status = ?2) order by c.lastMessageAt desc")
    List<Conversation> findByAgent(UUID agentId, @Nullable ConversationStatus status, Limit limit);
}

interface MessageRepository extends JpaRepository<ChatMessage, UUID> {

    Optional<ChatMessage> findBySenderIdAndClientMsgId(UUID senderId, String clientMsgId);

    Optional<ChatMessage> findByTenantIdAndChannelAndChannelMsgId(UUID tenantId, String channel, String channelMsgId);

    @Query("select m from ChatMessage m where m.conversationId = ?1 and m.seq < ?2 order by m.seq desc")
    List<ChatMessage> findPage(UUID conversationId, long beforeSeq, Limit limit);

    @Query("select m from ChatMessage m where m.id in ?1 order by m.seq")
    List<ChatMessage> findAllByIds(List<UUID> ids);

    @Query("select count(m) from ChatMessage m where m.conversationId = ?1 and m.senderType in ?2 and m.readAt is null")
    long countUnread(UUID conversationId, List<String> fromSenderTypes);
}
