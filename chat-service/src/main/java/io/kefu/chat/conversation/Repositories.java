package io.kefu.chat.conversation;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ConversationRepository extends JpaRepository<Conversation, UUID> {

    /** The customer's open conversation with the tenant (a unique index allows one). */
    default Optional<Conversation> findOpen(UUID tenantId, UUID customerId) {
        return findInStatus(tenantId, customerId, ConversationStatus.OPEN);
    }

    @Query("select c from Conversation c where c.tenantId = ?1 and c.customerId = ?2 and c.status in ?3")
    Optional<Conversation> findInStatus(UUID tenantId, UUID customerId, List<ConversationStatus> statuses);

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
