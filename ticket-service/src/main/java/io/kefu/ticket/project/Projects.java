package io.kefu.ticket.project;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.ticket.binding.StaffDirectory;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs;
import io.kefu.ticket.provider.Inputs.Paging;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Projects and who sees them (seed 003): a chat customer their own, an employee those of the
 * customers bound to them (the projects they own), a provider those of their customers, an admin all
 * of the tenant's. Anything else is a 404.
 */
@Component
public class Projects {

    public static final Pattern PHONE = Pattern.compile("^\\+?[0-9][0-9\\-]{4,19}$");

    public record ProjectSummary(UUID id, String customerName, String phone, String need, String stage, String stageLabel,
            @Nullable UUID ownerStaffId, @Nullable String ownerName, @Nullable UUID chatCustomerId, @Nullable UUID customerId, String source,
            long openTickets, Instant createdAt, Instant updatedAt) {
    }

    public record StageView(@Nullable String fromStage, String toStage, @Nullable UUID operatorId, String operatorName, @Nullable String note,
            Instant timestamp) {
    }

    public record ProjectView(ProjectSummary project, List<StageView> stageHistory) {
    }

    public record ProjectPage(List<ProjectSummary> projects, long total, int page, int pageSize) {
    }

    public record CreateRequest(@Nullable String customerName, @Nullable String phone, @Nullable String need, @Nullable UUID chatCustomerId,
            @Nullable UUID customerId) {
    }

    private final ProjectRepository projects;
    private final StageRepository stages;
    private final StaffDirectory staff;
    private final JdbcClient jdbc;
    private final Clock clock;

    Projects(ProjectRepository projects, StageRepository stages, StaffDirectory staff, JdbcClient jdbc, Clock clock) {
        this.projects = projects;
        this.stages = stages;
        this.staff = staff;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public UUID create(Caller caller, CreateRequest r) {
        if (!caller.isStaff()) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Staff record projects");
        }
        String name = Inputs.text("customerName", r.customerName(), 50);
        String phone = Inputs.text("phone", r.phone(), 32);
        if (!PHONE.matcher(phone).matches()) {
            throw Inputs.invalid("phone", "not a phone number");
        }
        String need = Inputs.text("need", r.need(), 1000);
        if (r.customerId() != null && jdbc.sql("select count(*) from client where tenant_id = ? and id = ?")
                .params(caller.tenantId(), r.customerId()).query(Long.class).single() == 0) {
            throw Inputs.invalid("customerId", "names no customer of this tenant");
        }
        String owner = staff.nameOf(caller.tenantId(), caller.userId(), "员工");
        return start(new Project(caller.tenantId(), name, phone, need, caller.userId(), owner, r.chatCustomerId(), r.customerId(), "api",
                clock.instant()), caller.userId(), owner);
    }

    /** #记录客户 from a WeCom employee: a presale project they own. */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public UUID record(UUID tenantId, UUID staffId, String staffName, String customerName, String phone, String need) {
        UUID client = jdbc.sql("select id from client where tenant_id = ? and phone = ? order by created_at limit 1").params(tenantId, phone)
                .query(UUID.class).optional().orElse(null);
        return start(new Project(tenantId, customerName, phone, need, staffId, staffName, null, client, "wecom", clock.instant()), staffId,
                staffName);
    }

    private UUID start(Project project, @Nullable UUID by, String byName) {
        projects.save(project);
        stages.save(project.started(by, byName));
        return project.id;
    }

    @Transactional
    public ProjectView advance(Caller caller, UUID id, @Nullable String stage, @Nullable String note) {
        if (!caller.isStaff()) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Staff move projects");
        }
        ProjectStage to = Inputs.wire("stage", stage, ProjectStage.class, ProjectStage::wire)
                .orElseThrow(() -> Inputs.invalid("stage", "is required"));
        String text = Inputs.optionalText("note", note, 1000);
        get(caller, id); // 404 unless visible
        Project project = projects.findByIdAndTenantId(id, caller.tenantId()).orElseThrow();
        stages.save(project.advance(to, caller.userId(), staff.nameOf(caller.tenantId(), caller.userId(), "员工"), text, clock.instant()));
        projects.flush();
        return get(caller, id);
    }

    @Transactional(readOnly = true)
    public ProjectView get(Caller caller, UUID id) {
        List<Object> args = new ArrayList<>();
        String where = scope(caller, args) + " and p.id = ?";
        args.add(id);
        ProjectSummary summary = query(where, args, "").stream().findFirst()
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No project " + id));
        List<StageView> history = stages.findByProjectIdOrderByAtAscIdAsc(id).stream()
                .map(s -> new StageView(s.fromStage == null ? null : s.fromStage.wire(), s.toStage.wire(), s.operatorId, s.operatorName, s.note,
                        s.at))
                .toList();
        return new ProjectView(summary, history);
    }

    @Transactional(readOnly = true)
    public ProjectPage list(Caller caller, @Nullable String stage, @Nullable String keyword, Paging paging) {
        ProjectStage s = Inputs.wire("stage", stage, ProjectStage.class, ProjectStage::wire).orElse(null);
        String kw = Inputs.optionalText("keyword", keyword, 50);
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(scope(caller, args));
        if (s != null) {
            where.append(" and p.stage = ?");
            args.add(s.wire());
        }
        if (kw != null) {
            where.append(" and (p.customer_name ilike ? or p.phone = ?)");
            args.add(Inputs.containsPattern(kw));
            args.add(kw);
        }
        long total = jdbc.sql("select count(*) from project p where " + where).params(args).query(Long.class).single();
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(paging.pageSize());
        pageArgs.add(paging.offset());
        // Deferred join, as the other lists: the page's ids first (the offset skips index entries, and the
        // open-ticket count below runs for the page's rows only, not for every row skipped).
        String page = "p.id in (select p.id from project p where " + where + " order by p.created_at desc, p.id limit ? offset ?)";
        return new ProjectPage(query(page, pageArgs, " order by p.created_at desc, p.id"), total, paging.page(), paging.pageSize());
    }

    /** The projects an employee owns whose customer name contains, or phone equals, {@code query}; all of theirs without one. */
    @Transactional(readOnly = true)
    public List<ProjectSummary> ownedBy(UUID tenantId, UUID staffId, @Nullable String query, int limit) {
        List<Object> args = new ArrayList<>(List.of(tenantId, staffId));
        String where = "p.tenant_id = ? and p.owner_staff_id = ?";
        if (query != null) {
            where += " and (p.phone = ? or p.customer_name ilike ?)";
            args.add(query);
            args.add(Inputs.containsPattern(query));
        }
        args.add(limit);
        return query(where, args, " order by p.updated_at desc, p.id limit ?");
    }

    /** Titles of the open tickets of the project's customer (by the linked customer or the same phone). */
    public List<String> openTicketTitles(UUID tenantId, UUID projectId, int limit) {
        return jdbc.sql("""
                select t.title from project p join client c on c.tenant_id = p.tenant_id and (c.id = p.client_id or c.phone = p.phone)
                join ticket t on t.client_id = c.id and t.status in ('open', 'processing')
                where p.tenant_id = ? and p.id = ? order by t.created_at desc limit ?""").params(tenantId, projectId, limit)
                .query(String.class).list();
    }

    private static String scope(Caller caller, List<Object> args) {
        args.add(caller.tenantId());
        if (caller.isStaff() && caller.admin()) {
            return "p.tenant_id = ?";
        }
        args.add(caller.userId());
        return switch (caller.kind()) {
            case STAFF -> "p.tenant_id = ? and p.owner_staff_id = ?";
            case CUSTOMER -> "p.tenant_id = ? and p.chat_customer_id = ?";
            case PROVIDER -> "p.tenant_id = ? and p.client_id in (select id from client where provider_id = ?)";
        };
    }

    private List<ProjectSummary> query(String where, List<Object> args, String tail) {
        return jdbc.sql("""
                select p.*, (select count(*) from ticket t join client c on c.id = t.client_id
                             where c.tenant_id = p.tenant_id and (c.id = p.client_id or c.phone = p.phone)
                               and t.status in ('open', 'processing')) as open_tickets
                from project p where """ + " " + where + tail)
                .params(args).query((rs, i) -> {
                    ProjectStage stage = ProjectStage.valueOf(rs.getString("stage").toUpperCase(java.util.Locale.ROOT));
                    return new ProjectSummary(rs.getObject("id", UUID.class), rs.getString("customer_name"), rs.getString("phone"),
                            rs.getString("need"), stage.wire(), stage.label(), rs.getObject("owner_staff_id", UUID.class),
                            rs.getString("owner_name"), rs.getObject("chat_customer_id", UUID.class), rs.getObject("client_id", UUID.class),
                            rs.getString("source"), rs.getLong("open_tickets"), rs.getTimestamp("created_at").toInstant(),
                            rs.getTimestamp("updated_at").toInstant());
                }).list();
    }
}
