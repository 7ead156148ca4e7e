package io.kefu.stats.metric;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Verified AI deflection, computed when asked because its window is hot-configurable: a conversation
 * that began with the AI ({@code routing.ai.requested}) in the range, was never handed to the human
 * queue nor assigned (nor handed off by kb-ai), and after which the customer opened no new conversation (nor re-opened this
 * one) within the window after it ended (or, not ended, after it began). Until its window has
 * passed it is pending, neither deflected nor not.
 */
@Component
public class Deflections {

    public record Result(long aiConversations, long verified, long pending, long cancelled, @Nullable Double rate) {
    }

    public record Row(UUID conversationId, @Nullable UUID customerId, @Nullable String channel, Instant aiAt, String state) {
    }

    private final JdbcClient jdbc;

    Deflections(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Result count(UUID tenant, Instant from, Instant to, Duration window, Instant now) {
        List<Row> rows = rows(tenant, from, to, window, now, Integer.MAX_VALUE, 0);
        long verified = rows.stream().filter(r -> r.state().equals("verified")).count();
        long pending = rows.stream().filter(r -> r.state().equals("pending")).count();
        long decided = rows.size() - pending;
        return new Result(rows.size(), verified, pending, decided - verified, decided == 0 ? null : (double) verified / decided);
    }

    /** Every AI conversation of the range with its state: verified, pending, handed-off or returned. */
    public List<Row> rows(UUID tenant, Instant from, Instant to, Duration window, Instant now, int limit, int offset) {
        return jdbc.sql("""
                select c.conversation_id, c.customer_id, c.channel, c.ai_requested_at,
                  case
                    when c.queued_at is not null or c.assigned_at is not null or c.ai_handed_off_at is not null then 'handed-off'
                    when c.reopened_at is not null and c.reopened_at <= coalesce(c.ended_at, c.ai_requested_at) + make_interval(secs => :windowSeconds) then 'returned'
                    when exists (select 1 from conversation n where n.tenant_id = c.tenant_id and n.customer_id = c.customer_id
                          and n.conversation_id <> c.conversation_id and n.opened_at > coalesce(c.opened_at, c.ai_requested_at)
                          and n.opened_at <= coalesce(c.ended_at, c.ai_requested_at) + make_interval(secs => :windowSeconds)) then 'returned'
                    when coalesce(c.ended_at, c.ai_requested_at) + make_interval(secs => :windowSeconds) > :now then 'pending'
                    else 'verified' end as state
                from conversation c
                where c.tenant_id = :tenant and c.ai_requested_at >= :from and c.ai_requested_at < :to
                order by c.ai_requested_at desc limit :limit offset :offset""")
                .param("windowSeconds", window.toMillis() / 1000.0)
                .param("now", Timestamp.from(now)).param("tenant", tenant).param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .param("limit", limit).param("offset", offset)
                .query((rs, i) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), rs.getString(5)))
                .list();
    }
}
