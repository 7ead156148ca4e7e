package io.kefu.kbai.answer;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

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

    void add(UUID messageId, UUID tenantId, UUID conversationId, String senderType, @Nullable String channel, @Nullable String content,
            Instant at) {
        jdbc.sql("""
                insert into ai_transcript_line (message_id, tenant_id, conversation_id, sender_type, channel, content, created_at)
                values (?, ?, ?, ?, ?, ?, ?) on conflict (message_id) do nothing""")
                .params(messageId, tenantId, conversationId, senderType, channel, content == null ? "" : content, Timestamp.from(at))
                .update();
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
