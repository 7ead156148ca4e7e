package io.kefu.chat.conversation;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The hot path's insert of a new message, with its idempotency in the same statement: a message whose
 * client id (sender, {@code client_msg_id}) or channel id is already stored is not inserted again
 * ({@code on conflict do nothing}), and only then is the stored one read. This replaces a look-up
 * before every insert (a round trip and a Hibernate session of its own) and Hibernate's insert + flush.
 * A concurrent insert of the same id waits for the other transaction and then sees its row.
 */
@Component
class MessageRows {

    private final JdbcTemplate jdbc;
    private final MessageRepository messages;

    MessageRows(JdbcTemplate jdbc, MessageRepository messages) {
        this.jdbc = jdbc;
        this.messages = messages;
    }

    /**
     * In the caller's transaction. The same statement moves the conversation's last-message times when, and
     * only when, the message is new (a data-modifying CTE: one round trip, not an insert and then an update),
     * without bumping its version, so that concurrent messages do not conflict; a customer's message moves
     * {@code last_customer_message_at} too.
     *
     * @return whether the message was inserted (its {@code seq} is then set)
     */
    boolean insertIfNew(ChatMessage m, boolean fromCustomer) {
        List<Long> seq = jdbc.queryForList("""
                with inserted as (
                    insert into message (id, conversation_id, tenant_id, sender_id, sender_type, type, content, extra, channel,
                                         client_msg_id, channel_msg_id, status, created_at, sent_at)
                    values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, ?, ?)
                    on conflict do nothing
                    returning seq, conversation_id, created_at
                ), touched as (
                    update conversation c set last_message_at = greatest(c.last_message_at, i.created_at),
                        last_customer_message_at = case when ? then greatest(coalesce(c.last_customer_message_at, i.created_at), i.created_at)
                                                        else c.last_customer_message_at end
                    from inserted i where c.id = i.conversation_id
                )
                select seq from inserted""", Long.class,
                m.id(), m.conversationId(), m.tenantId(), m.senderId(), m.senderType(), m.type(), m.content(), m.extra(), m.channel(),
                m.clientMsgId(), m.channelMsgId(), m.status().code(), timestamp(m.createdAt()), timestamp(m.sentAt()), fromCustomer);
        if (seq.isEmpty()) {
            return false;
        }
        m.inserted(seq.getFirst());
        return true;
    }

    /** The message already stored under {@code m}'s client or channel id (after {@link #insertIfNew} said so). */
    MessageView stored(ChatMessage m) {
        var existing = m.clientMsgId() != null
                ? messages.findBySenderIdAndClientMsgId(m.senderId(), m.clientMsgId())
                : m.channelMsgId() != null ? messages.findByTenantIdAndChannelAndChannelMsgId(m.tenantId(), m.channel(), m.channelMsgId())
                : java.util.Optional.<ChatMessage>empty();
        // Nothing else is unique on a new row but its random id: a conflict without a stored twin is a bug, said loudly.
        return existing.orElseThrow(() -> new IllegalStateException("message " + m.id() + " conflicted with no stored message")).view();
    }

    private static @Nullable Timestamp timestamp(@Nullable Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
