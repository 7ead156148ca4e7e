package io.kefu.routing.agent;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The seed's staff API: status, who is online, workload figures. */
@RestController
@RequestMapping("/api/staff")
@Tag(name = "staff")
class AgentController {

    private final Agents agents;
    private final JdbcTemplate jdbc;

    AgentController(Agents agents, JdbcTemplate jdbc) {
        this.agents = agents;
        this.jdbc = jdbc;
    }

    record StatusChange(@NotBlank @Pattern(regexp = "online|offline|busy") String status) {
    }

    record AgentView(UUID staffId, String name, String groupName, List<String> skills, String status, int currentLoad,
            int maxConcurrentChats, Instant statusChangedAt) {

        static AgentView of(Agent a) {
            return new AgentView(a.staffId(), a.name(), a.groupName(), a.skills(), a.status(), a.currentLoad(), a.maxConcurrentChats(),
                    a.statusChangedAt());
        }
    }

    @Operation(summary = "Set my status: online, busy (keeps conversations, gets no new ones) or offline")
    @PutMapping("/status")
    AgentView status(@Valid @RequestBody StatusChange change) {
        KefuPrincipal me = staff();
        return AgentView.of(agents.changeStatus(me.userId(), AgentStatus.find(change.status()).orElseThrow(), "agent"));
    }

    @Operation(summary = "Online and busy staff of my tenant")
    @GetMapping("/online")
    List<AgentView> online() {
        return agents.online(staff().tenantId()).stream().map(AgentView::of).toList();
    }

    record Skills(@NotNull @Size(max = 50) List<@NotBlank @Size(max = 64) String> skills) {
    }

    @Operation(summary = "Set an agent's skills (supervisor)")
    @PutMapping("/{staffId}/skills")
    AgentView skills(@PathVariable UUID staffId, @Valid @RequestBody Skills body) {
        KefuPrincipal me = staff();
        requireSupervisor(me);
        agents.find(staffId).filter(a -> a.tenantId().equals(me.tenantId()))
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No agent " + staffId));
        return AgentView.of(agents.setSkills(staffId, body.skills()));
    }

    record AgentStats(UUID staffId, String name, String status, int currentLoad, int maxConcurrentChats, long conversationsHandled,
            @Nullable Double averageFirstResponseSeconds, @Nullable Double averageHandlingSeconds) {
    }

    @Operation(summary = "Workload per agent of my tenant (supervisor): handled, average first response and handling time, load")
    @GetMapping("/stats")
    List<AgentStats> stats() {
        KefuPrincipal me = staff();
        requireSupervisor(me);
        return jdbc.query("""
                select a.staff_id, a.name, a.status, a.current_load, a.max_concurrent_chats,
                       count(r.conversation_id) as handled,
                       avg(extract(epoch from (r.first_response_at - r.assigned_at))) filter (where r.first_response_at is not null) as first_response,
                       avg(extract(epoch from (r.updated_at - r.assigned_at))) filter (where r.status = 'closed') as handling
                from agent a left join route r on r.agent_id = a.staff_id
                where a.tenant_id = ?
                group by a.staff_id, a.name, a.status, a.current_load, a.max_concurrent_chats
                order by a.name""", (rs, i) -> new AgentStats(rs.getObject("staff_id", UUID.class), rs.getString("name"),
                rs.getString("status"), rs.getInt("current_load"), rs.getInt("max_concurrent_chats"), rs.getLong("handled"),
                (Double) rs.getObject("first_response"), (Double) rs.getObject("handling")), me.tenantId());
    }

    private static KefuPrincipal staff() {
        KefuPrincipal me = KefuPrincipal.require();
        if (!me.hasRole("agent") || me.tenantId() == null) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Staff of a tenant only");
        }
        return me;
    }

    private static void requireSupervisor(KefuPrincipal me) {
        if (!me.hasRole("supervisor")) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Supervisors and admins only");
        }
    }
}
