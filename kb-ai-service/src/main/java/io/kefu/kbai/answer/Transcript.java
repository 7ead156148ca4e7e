package io.kefu.kbai.answer;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The recent lines of each conversation (table {@code ai_transcript_line}), kept from chat's message
 * events so that the prompt and the reviewer see what was said before the question. Best effort: a
 * line that arrives after the question is simply not in that prompt.
 */
@Component
public class Transcript {

    /** A line: who (customer, staff, ai, system) said what, when. */
    public record Line(UUID messageId, String senderType, String content, Instant at) {
    }

    private final JdbcClient jdbc;

    Transcript(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Keeps a line (a message seen before is kept once). In a transaction the lines wait for its commit and go in one
     * multi-row insert just before it (chat's lines come in batches of up to ten, each batch one transaction): one
     * statement a batch instead of one a line. A rolled-back transaction keeps none; an effect that refuses its event
     * must do so before it adds its line (the inbox rolls a refused event back to its savepoint, which a waiting line
     * would outlive).
     */
    void add(UUID messageId, UUID tenantId, UUID conversationId, String senderType, @Nullable String channel, @Nullable String content,
            Instant at) {
        Pending line = new Pending(messageId, tenantId, conversationId, senderType, channel, content == null ? "" : content, at);
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            insert(List.of(line));
            return;
        }
        @SuppressWarnings("unchecked")
        List<Pending> waiting = (List<Pending>) TransactionSynchronizationManager.getResource(this);
        if (waiting == null) {
            List<Pending> lines = new ArrayList<>();
            TransactionSynchronizationManager.bindResource(this, lines);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    insert(lines);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(Transcript.this);
                }
            });
            waiting = lines;
        }
        waiting.add(line);
    }

    private record Pending(UUID messageId, UUID tenantId, UUID conversationId, String senderType, @Nullable String channel, String content,
            Instant at) {
    }

    /** In message id order, as the inbox inserts its ids: two batches that share a redelivered line wait, never deadlock. */
    private void insert(List<Pending> lines) {
        if (lines.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder(
                "insert into ai_transcript_line (message_id, tenant_id, conversation_id, sender_type, channel, content, created_at) values ");
        List<Object> args = new ArrayList<>(lines.size() * 7);
        List<Pending> sorted = lines.stream().sorted(Comparator.comparing(Pending::messageId)).toList();
        for (int i = 0; i < sorted.size(); i++) {
            Pending l = sorted.get(i);
            sql.append(i == 0 ? "(?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?)");
            args.addAll(Arrays.asList(l.messageId(), l.tenantId(), l.conversationId(), l.senderType(), l.channel(), l.content(),
                    Timestamp.from(l.at())));
        }
        jdbc.sql(sql.append(" on conflict (message_id) do nothing").toString()).params(args).update();
    }

    /** The last {@code limit} lines of the conversation, oldest first, without {@code except} (the question itself). */
    public List<Line> last(UUID conversationId, int limit, @Nullable UUID except) {
        if (limit <= 0) {
            return List.of();
        }
        List<Line> lines = new java.util.ArrayList<>(jdbc.sql("""
                select message_id, sender_type, content, created_at from ai_transcript_line
                where conversation_id = :c and (cast(:except as uuid) is null or message_id <> :except)
                order by created_at desc limit :limit""")
                .param("c", conversationId).param("except", except).param("limit", limit)
                .query((rs, i) -> new Line(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant())).list());
        java.util.Collections.reverse(lines);
        return lines;
    }

    /** The channel the customer last wrote through (mp, wecom, miniapp), when known. */
    @Nullable String channelOf(UUID conversationId) {
        return jdbc.sql("""
                select channel from ai_transcript_line where conversation_id = ? and sender_type = 'customer' and channel is not null
                order by created_at desc limit 1""").param(conversationId).query(String.class).optional().orElse(null);
    }

    int trim(Instant before) {
        return jdbc.sql("delete from ai_transcript_line where created_at < ?").param(Timestamp.from(before)).update();
    }
}
