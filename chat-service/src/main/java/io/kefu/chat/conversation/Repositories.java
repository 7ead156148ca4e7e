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
     * The customer's open conversation with the tenant (a unique index allows one). Once per customer
     * message, so plain SQL whose status list is the very predicate of the partial unique index
     * {@code conversation_open_per_customer}. With the statuses as parameters (the JPQL {@code status in
     * ?3} this replaces) PostgreSQL's generic plan of the prepared statement (which it moves to after a
     * few runs) cannot prove that predicate and scanned {@code conversation_tenant_status} on
     * {@code tenant_id} alone: every conversation of the tenant, ended ones included, per message. And
     * Hibernate no longer expands and binds a list parameter on every call.
     */
    @Query(value = "select * from conversation where tenant_id = ?1 and customer_id = ?2 and status in ('waiting', 'active')",
            nativeQuery = true)
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
