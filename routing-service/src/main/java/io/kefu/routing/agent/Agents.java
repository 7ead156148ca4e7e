package io.kefu.routing.agent;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventPublisher;
import io.kefu.routing.agent.AgentNotices.CapacityFreed;
import io.kefu.routing.agent.AgentNotices.WentOffline;
import io.kefu.routing.events.AgentStatusChanged;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Agents' profiles, presence and load. Load changes are conditional single-row updates (capacity and
 * version checked in the WHERE clause), so no interleaving of instances can push an agent past their
 * limit or lose an increment.
 */
@Component
public class Agents {

    static final RowMapper<Agent> ROW = Agents::map;

    private final JdbcTemplate jdbc;
    private final EventPublisher events;
    private final ApplicationEventPublisher notices;
    private final Clock clock;

    Agents(JdbcTemplate jdbc, EventPublisher events, ApplicationEventPublisher notices, Clock clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.notices = notices;
        this.clock = clock;
    }

    public Optional<Agent> find(UUID staffId) {
        return jdbc.query("select * from agent where staff_id = ?", ROW, staffId).stream().findFirst();
    }

    /** The active agent a WeCom member of the tenant is (staff commands sent to the tenant's WeCom app). */
    public Optional<Agent> byWecomUser(UUID tenantId, String wecomUserId) {
        return jdbc.query("""
                select * from agent where tenant_id = ? and wecom_user_id = ? and active
                order by profile_version desc limit 1""", ROW, tenantId, wecomUserId).stream().findFirst();
    }

    /** Online agents of a tenant's group with room for one more conversation, for the assignment strategy. */
    public List<Agent> available(UUID tenantId, String groupName) {
        return jdbc.query("""
                select * from agent where tenant_id = ? and group_name = ? and active and status = 'online'
                  and current_load < max_concurrent_chats""", ROW, tenantId, groupName);
    }

    public List<Agent> online(UUID tenantId) {
        return jdbc.query("select * from agent where tenant_id = ? and active and status <> 'offline' order by name", ROW, tenantId);
    }

    public List<Agent> all(UUID tenantId) {
        return jdbc.query("select * from agent where tenant_id = ? order by name", ROW, tenantId);
    }

    /**
     * Takes one unit of the agent's capacity if they are still online with room and unchanged since
     * {@code seenVersion}; false when someone else got there first (the caller picks again).
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public boolean reserve(UUID staffId, long seenVersion) {
        return jdbc.update("""
                update agent set current_load = current_load + 1, last_assigned_at = ?, version = version + 1
                where staff_id = ? and version = ? and active and status = 'online' and current_load < max_concurrent_chats""",
                ts(clock.instant()), staffId, seenVersion) == 1;
    }

    /** Gives back one unit of capacity (a conversation ended or moved away). */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void release(UUID staffId) {
        List<Agent> updated = jdbc.query("""
                update agent set current_load = greatest(current_load - 1, 0), version = version + 1
                where staff_id = ? returning *""", ROW, staffId);
        updated.stream().filter(Agent::hasCapacity).forEach(a -> notices.publishEvent(new CapacityFreed(a.tenantId(), a.groupName(), a.staffId())));
    }

    /**
     * Gives back one unit of capacity when the current transaction is about to commit, after whatever else it locks:
     * a batch of chat's events (routing's {@code chatEvents}) locks routes in conversation order and may end several
     * conversations; their agents' rows are then locked last, in one (staff id) order, as every other transaction of
     * routing locks a route before an agent — so a batch never holds an agent while it waits for a route that an
     * assignment holds while it waits for that agent. Still in the transaction: it commits or rolls back with it.
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void releaseAtCommit(UUID staffId) {
        @SuppressWarnings("unchecked")
        Map<UUID, Integer> pending = (Map<UUID, Integer>) TransactionSynchronizationManager.getResource(RELEASES);
        if (pending == null) {
            Map<UUID, Integer> releases = new TreeMap<>();
            TransactionSynchronizationManager.bindResource(RELEASES, releases);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(RELEASES);
                    releases.forEach((agent, times) -> {
                        for (int i = 0; i < times; i++) {
                            release(agent);
                        }
                    });
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(RELEASES);
                }
            });
            pending = releases;
        }
        pending.merge(staffId, 1, Integer::sum);
    }

    /** The key of a transaction's pending releases ({@link #releaseAtCommit}). */
    private static final Object RELEASES = new Object();

    /** The agent sets their own status (PUT /api/staff/status), or presence/offline timeouts do. */
    @Transactional
    public Agent changeStatus(UUID staffId, AgentStatus status, String cause) {
        Agent before = find(staffId).orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND,
                "No routing profile for " + staffId + "; staff appear here when auth-service creates them"));
        if (!before.active()) {
            throw new KefuProblemException(ProblemType.CONFLICT, "A deactivated agent cannot change status");
        }
        if (before.status().equals(status.code())) {
            return before;
        }
        Instant now = clock.instant();
        Agent after = jdbc.query("update agent set status = ?, status_changed_at = ?, version = version + 1 where staff_id = ? returning *",
                ROW, status.code(), ts(now), staffId).getFirst();
        events.publish(new AgentStatusChanged(after.staffId(), after.name(), after.groupName(), after.status(), before.status(),
                after.currentLoad(), after.maxConcurrentChats(), cause, now), after.tenantId().toString(), after.staffId().toString());
        if (status == AgentStatus.ONLINE && after.hasCapacity()) {
            notices.publishEvent(new CapacityFreed(after.tenantId(), after.groupName(), after.staffId()));
        }
        if (status == AgentStatus.OFFLINE) {
            notices.publishEvent(new WentOffline(after.tenantId(), after.groupName(), after.staffId()));
        }
        return after;
    }

    /** Creates or updates the profile from auth-service's staff events; older versions never win. */
    @Transactional
    public void upsertProfile(UUID staffId, UUID tenantId, String name, @Nullable String department, int maxConcurrentChats,
            boolean active, @Nullable String wecomUserId, long profileVersion) {
        String group = department == null || department.isBlank() ? "default" : department;
        int max = Math.max(1, Math.min(100, maxConcurrentChats));
        List<Agent> rows = jdbc.query("""
                insert into agent (staff_id, tenant_id, name, group_name, max_concurrent_chats, active, status_changed_at, profile_version,
                    wecom_user_id)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (staff_id) do update set name = excluded.name, group_name = excluded.group_name,
                    max_concurrent_chats = excluded.max_concurrent_chats, active = excluded.active, wecom_user_id = excluded.wecom_user_id,
                    profile_version = excluded.profile_version, version = agent.version + 1
                where agent.profile_version <= excluded.profile_version
                returning *""", ROW, staffId, tenantId, name, group, max, active, ts(clock.instant()), profileVersion,
                wecomUserId == null || wecomUserId.isBlank() ? null : wecomUserId);
        rows.stream().filter(Agent::hasCapacity).forEach(a -> notices.publishEvent(new CapacityFreed(a.tenantId(), a.groupName(), a.staffId())));
    }

    @Transactional
    public void deactivate(UUID staffId) {
        find(staffId).filter(Agent::active).ifPresent(agent -> {
            if (!"offline".equals(agent.status())) {
                changeStatus(staffId, AgentStatus.OFFLINE, "deactivated");
            }
            jdbc.update("update agent set active = false, version = version + 1 where staff_id = ?", staffId);
        });
    }

    /** chat's presence: an agent's last WebSocket closed (or one opened again). */
    @Transactional
    public void presence(UUID staffId, boolean connected) {
        jdbc.update(connected ? "update agent set disconnected_at = null where staff_id = ?"
                : "update agent set disconnected_at = coalesce(disconnected_at, ?) where staff_id = ?",
                connected ? new Object[] {staffId} : new Object[] {ts(clock.instant()), staffId});
    }

    /** Agents disconnected for longer than the grace period who are not offline yet. */
    public List<Agent> disconnectedSince(Instant before) {
        return jdbc.query("select * from agent where disconnected_at < ? and status <> 'offline'", ROW, ts(before));
    }

    /** Supervisors set what routing alone knows: skills. */
    @Transactional
    public Agent setSkills(UUID staffId, List<String> skills) {
        List<Agent> rows = jdbc.query("update agent set skills = ?, version = version + 1 where staff_id = ? returning *", ROW,
                skills.toArray(String[]::new), staffId);
        return rows.stream().findFirst().orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No agent " + staffId));
    }

    static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }

    private static Agent map(ResultSet rs, int row) throws SQLException {
        Timestamp lastAssigned = rs.getTimestamp("last_assigned_at");
        return new Agent(rs.getObject("staff_id", UUID.class), rs.getObject("tenant_id", UUID.class), rs.getString("name"),
                rs.getString("group_name"), strings(rs.getArray("skills")), rs.getInt("max_concurrent_chats"), rs.getBoolean("active"),
                rs.getString("status"), rs.getTimestamp("status_changed_at").toInstant(), rs.getInt("current_load"),
                lastAssigned == null ? null : lastAssigned.toInstant(), rs.getLong("version"));
    }

    private static List<String> strings(@Nullable Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
