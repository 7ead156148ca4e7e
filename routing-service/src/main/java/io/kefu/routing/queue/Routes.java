package io.kefu.routing.queue;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/** The route table. Every state change is a version-checked update: the seed's "double check". */
@Component
class Routes {

    static final RowMapper<Route> ROW = Routes::map;

    /**
     * The inactivity jobs' queries (constants so a test can EXPLAIN them): served by the partial index route_open, open
     * routes only, on no column a message updates (so those updates stay HOT).
     */
    static final String QUIET_SINCE = """
            select * from route where status in ('assigned', 'ai') and (warned_at is not null) = ? and last_agent_at is not null
              and (last_customer_at is null or last_agent_at >= last_customer_at) and last_agent_at < ?
            order by last_agent_at limit ?""";
    static final String STALE_SINCE = """
            select * from route where status <> 'closed'
              and greatest(coalesce(last_customer_at, created_at), coalesce(last_agent_at, created_at)) < ?
            order by updated_at limit ?""";

    private final JdbcTemplate jdbc;

    Routes(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Route> find(UUID conversationId) {
        return jdbc.query("select * from route where conversation_id = ?", ROW, conversationId).stream().findFirst();
    }

    Optional<Route> findForUpdate(UUID conversationId) {
        return jdbc.query("select * from route where conversation_id = ? for update", ROW, conversationId).stream().findFirst();
    }

    /** The queue in order: priority first (VIP, complaints), then arrival. */
    List<Route> waiting(UUID tenantId, String groupName, int limit) {
        return jdbc.query("""
                select * from route where tenant_id = ? and group_name = ? and status = 'waiting'
                order by priority desc, enqueued_at, conversation_id limit ?""", ROW, tenantId, groupName, limit);
    }

    /** 1-based place of a waiting route in its queue. */
    int position(Route route) {
        Integer ahead = jdbc.queryForObject("""
                select count(*) from route where tenant_id = ? and group_name = ? and status = 'waiting'
                  and (priority > ? or (priority = ? and (enqueued_at, conversation_id) < (?, ?)))""", Integer.class,
                route.tenantId(), route.groupName(), route.priority(), route.priority(), ts(route.enqueuedAt()), route.conversationId());
        return (ahead == null ? 0 : ahead) + 1;
    }

    /** Queues that have someone waiting, for the periodic sweep. */
    List<QueueKey> nonEmptyQueues() {
        return jdbc.query("select distinct tenant_id, group_name from route where status = 'waiting'",
                (rs, i) -> new QueueKey(rs.getObject(1, UUID.class), rs.getString(2)));
    }

    /** Creates the route of a conversation seen for the first time; false if it exists already. */
    boolean create(UUID conversationId, UUID tenantId, UUID customerId, String channel, String status, String groupName, int priority,
            @Nullable Instant enqueuedAt, Instant lastCustomerAt, Instant now) {
        return jdbc.update("""
                insert into route (conversation_id, tenant_id, customer_id, channel, status, group_name, priority, enqueued_at,
                                   last_customer_at, created_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (conversation_id) do nothing""",
                conversationId, tenantId, customerId, channel, status, groupName, priority, ts(enqueuedAt), ts(lastCustomerAt), ts(now),
                ts(now)) == 1;
    }

    boolean enqueue(Route route, String groupName, int priority, Instant enqueuedAt, Instant now) {
        return jdbc.update("""
                update route set status = 'waiting', group_name = ?, priority = ?, enqueued_at = ?, agent_id = null, assigned_at = null,
                    previous_agent_id = coalesce(?, previous_agent_id), notified_position = null, updated_at = ?, version = version + 1
                where conversation_id = ? and version = ?""",
                groupName, priority, ts(enqueuedAt), route.agentId(), ts(now), route.conversationId(), route.version()) == 1;
    }

    boolean assign(Route route, UUID agentId, Instant now) {
        return jdbc.update("""
                update route set status = 'assigned', agent_id = ?, assigned_at = ?, assignments = assignments + 1, updated_at = ?,
                    version = version + 1
                where conversation_id = ? and version = ? and status = 'waiting'""",
                agentId, ts(now), ts(now), route.conversationId(), route.version()) == 1;
    }

    boolean close(Route route, Instant now) {
        return jdbc.update("""
                update route set status = 'closed', updated_at = ?, version = version + 1
                where conversation_id = ? and version = ? and status <> 'closed'""", ts(now), route.conversationId(), route.version()) == 1;
    }

    /**
     * The customer wrote in a conversation whose route is open: {@link #customerWrote}, and the route as it now is, locked
     * as {@link #findForUpdate} leaves it — one statement instead of a select for update and an update. Empty, and
     * nothing changed, when the conversation has no route or its route is closed.
     */
    Optional<Route> customerWroteIfOpen(UUID conversationId, Instant at) {
        return jdbc.query("""
                update route set last_customer_at = greatest(coalesce(last_customer_at, ?::timestamptz), ?::timestamptz), warned_at = null
                where conversation_id = ? and status <> 'closed' returning *""", ROW, ts(at), ts(at), conversationId).stream().findFirst();
    }

    void customerWrote(UUID conversationId, Instant at) {
        jdbc.update("update route set last_customer_at = greatest(coalesce(last_customer_at, ?::timestamptz), ?::timestamptz), warned_at = null where conversation_id = ?",
                ts(at), ts(at), conversationId);
    }

    void agentWrote(UUID conversationId, Instant at) {
        jdbc.update("""
                update route set last_agent_at = greatest(coalesce(last_agent_at, ?::timestamptz), ?::timestamptz), warned_at = null,
                    first_response_at = coalesce(first_response_at,
                        case when status = 'assigned' and assigned_at <= ?::timestamptz then ?::timestamptz end)
                where conversation_id = ?""", ts(at), ts(at), ts(at), ts(at), conversationId);
    }

    void bumpPriority(UUID conversationId, int priority) {
        jdbc.update("update route set priority = greatest(priority, ?), version = version + 1 where conversation_id = ? and status = 'waiting'",
                priority, conversationId);
    }

    void notifiedPosition(UUID conversationId, int position) {
        jdbc.update("update route set notified_position = ? where conversation_id = ?", position, conversationId);
    }

    /** The agent who last answered this customer, if within the sticky window. */
    Optional<UUID> lastAgentOf(UUID tenantId, UUID customerId, Instant since) {
        return jdbc.query("""
                select agent_id from route where tenant_id = ? and customer_id = ? and agent_id is not null and assigned_at >= ?
                order by assigned_at desc limit 1""", (rs, i) -> rs.getObject(1, UUID.class), tenantId, customerId, ts(since))
                .stream().findFirst();
    }

    /**
     * An agent's assigned routes where the customer spoke last: they wait for a reply. Latest arrival
     * first, so that putting each at the front in turn leaves them in their original order.
     */
    List<Route> awaitingReplyFrom(UUID agentId) {
        return jdbc.query("""
                select * from route where agent_id = ? and status = 'assigned'
                  and last_customer_at is not null and (last_agent_at is null or last_customer_at > last_agent_at)
                order by enqueued_at desc""", ROW, agentId);
    }

    /** An agent's conversations, the most recently active first. */
    List<Route> heldBy(UUID agentId) {
        return jdbc.query("""
                select * from route where agent_id = ? and status = 'assigned'
                order by greatest(assigned_at, coalesce(last_customer_at, assigned_at), coalesce(last_agent_at, assigned_at)) desc""",
                ROW, agentId);
    }

    /** Conversations where the customer has not answered the agent's (or AI's) last message since {@code before}. */
    List<Route> quietSince(Instant before, boolean warned, int limit) {
        return jdbc.query(QUIET_SINCE, ROW, warned, ts(before), limit);
    }

    /** Open conversations without any message since {@code before}. */
    List<Route> staleSince(Instant before, int limit) {
        return jdbc.query(STALE_SINCE, ROW, ts(before), limit);
    }

    boolean markWarned(Route route, Instant at) {
        return jdbc.update("update route set warned_at = ? where conversation_id = ? and version = ? and warned_at is null",
                ts(at), route.conversationId(), route.version()) == 1;
    }

    Optional<Instant> frontOf(UUID tenantId, String groupName) {
        return Optional.ofNullable(jdbc.queryForObject(
                "select min(enqueued_at) from route where tenant_id = ? and group_name = ? and status = 'waiting'", Timestamp.class,
                tenantId, groupName)).map(Timestamp::toInstant);
    }

    static @Nullable Timestamp ts(@Nullable Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    record QueueKey(UUID tenantId, String groupName) {
    }

    private static Route map(ResultSet rs, int row) throws SQLException {
        return new Route(rs.getObject("conversation_id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getObject("customer_id", UUID.class), rs.getString("channel"), rs.getString("status"), rs.getString("group_name"),
                strings(rs.getArray("skills")), rs.getInt("priority"), instant(rs, "enqueued_at"), rs.getObject("agent_id", UUID.class),
                instant(rs, "assigned_at"), rs.getObject("previous_agent_id", UUID.class), instant(rs, "last_customer_at"),
                instant(rs, "last_agent_at"), instant(rs, "warned_at"), (Integer) rs.getObject("notified_position"), rs.getLong("version"));
    }

    static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static List<String> strings(@Nullable Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
