package io.kefu.ticket.ticket;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.ticket.client.Clients;
import io.kefu.ticket.count.ListCounts;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs;
import io.kefu.ticket.provider.Inputs.Paging;
import io.kefu.ticket.sla.SlaClock;
import io.kefu.ticket.sla.SlaPolicy;
import io.kefu.ticket.sla.SlaTarget;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads of tickets: the seed's list (JdbcClient, filters, paged) and the detail with its history and SLA state. */
@Component
public class TicketQueries {

    /** A list row (seed 004 §4.2 without the history). */
    public record TicketSummary(UUID id, @Nullable UUID customerId, @Nullable String customerName, String title, String content,
            String type, String priority, String status, @Nullable UUID serviceProviderId, @Nullable UUID assigneeId,
            @Nullable String assigneeName, String escalationStatus, Instant createdAt, Instant updatedAt, @Nullable Instant resolvedAt) {
    }

    /** {@code page} is null when the list was read on from a cursor ({@code after}); {@code nextCursor} reads on from this page. */
    public record TicketPage(List<TicketSummary> tickets, long total, @Nullable Integer page, int pageSize, @Nullable String nextCursor) {
    }

    public record HistoryView(UUID id, @Nullable UUID operatorId, String operatorName, String operatorType, String action,
            @Nullable String content, Instant timestamp) {
    }

    public record SlaView(Instant startedAt, long firstResponseTargetMinutes, long resolutionTargetMinutes, long firstResponseElapsedMinutes,
            long resolutionElapsedMinutes, boolean firstResponseBreached, boolean resolutionBreached, boolean waitingOnCustomer,
            @Nullable Instant firstResponseAt) {
    }

    public record RatingView(int score, @Nullable String comment, Instant ratedAt) {
    }

    /** The seed's ticket with every field, plus what the seed leaves open (priority, SLA, rating, transcript). */
    public record TicketView(UUID id, UUID ticketId, @Nullable UUID customerId, @Nullable String customerName, @Nullable UUID chatCustomerId,
            @Nullable UUID conversationId, String title, String content, String type, String priority, String status,
            @Nullable UUID serviceProviderId, @Nullable UUID assigneeId, @Nullable String assigneeName, String escalationStatus,
            @Nullable String escalationReason, Instant createdAt, Instant updatedAt, @Nullable Instant resolvedAt, @Nullable Instant closedAt,
            List<HistoryView> processingHistory, SlaView sla, @Nullable RatingView rating, @Nullable JsonNode transcript) {
    }

    /** Up to this many matches, a keyword search's page is sorted from its matches rather than found by walking the list's order. */
    static final long FEW_MATCHES = 2_000;

    private final JdbcClient jdbc;
    private final Tickets tickets;
    private final HistoryRepository history;
    private final Clients clients;
    private final SlaPolicy sla;
    private final JsonMapper json;
    private final ListCounts counts;

    TicketQueries(JdbcClient jdbc, Tickets tickets, HistoryRepository history, Clients clients, SlaPolicy sla, JsonMapper json,
            ListCounts counts) {
        this.jdbc = jdbc;
        this.counts = counts;
        this.tickets = tickets;
        this.history = history;
        this.clients = clients;
        this.sla = sla;
        this.json = json;
    }

    @Transactional(readOnly = true)
    public TicketView get(Caller caller, UUID id) {
        Ticket t = tickets.visible(caller, id);
        List<HistoryView> steps = history.findByTicketIdOrderByAtAscIdAsc(id).stream()
                .map(h -> new HistoryView(h.id, h.operatorId, h.operatorName, h.operatorType, h.action, h.content, h.at)).toList();
        SlaTarget target = sla.target(t.type.wire(), t.priority.wire());
        SlaClock clock = sla.clock(t.tenantId);
        SlaClock.Reading reading = clock.read(t.slaStartedAt, Duration.ofSeconds(t.pausedSeconds), t.waitingSince, t.firstResponseAt,
                t.resolvedAt, target);
        SlaView slaView = new SlaView(t.slaStartedAt, target.firstResponse().toMinutes(), target.resolution().toMinutes(),
                reading.firstResponseElapsed().toMinutes(), reading.resolutionElapsed().toMinutes(),
                t.firstResponseBreached || reading.firstResponseBreached(), t.resolutionBreached || reading.resolutionBreached(),
                t.waitingSince != null, t.firstResponseAt);
        String customerName = t.clientId == null ? null : clients.nameOf(t.tenantId, t.clientId);
        return new TicketView(t.id, t.id, t.clientId, customerName, t.chatCustomerId, t.conversationId, t.title, t.content, t.type.wire(),
                t.priority.wire(), t.status.wire(), t.providerId, t.assigneeId, t.assigneeName, t.escalationStatus.wire(), t.escalationReason,
                t.createdAt, t.updatedAt, t.resolvedAt, t.closedAt, steps, slaView,
                t.rating == null ? null : new RatingView(t.rating, t.ratingComment, t.ratedAt),
                t.transcript == null ? null : json.readTree(t.transcript));
    }

    /** The caller's tickets: filters status, type, escalationStatus, keyword (title), and customerId. */
    @Transactional(readOnly = true)
    public TicketPage list(Caller caller, @Nullable String status, @Nullable String type, @Nullable String escalationStatus,
            @Nullable String keyword, @Nullable UUID customerId, Paging paging) {
        TicketStatus s = Inputs.wire("status", status, TicketStatus.class, TicketStatus::wire).orElse(null);
        TicketType ty = Inputs.wire("type", type, TicketType.class, TicketType::wire).orElse(null);
        EscalationStatus e = Inputs.wire("escalationStatus", escalationStatus, EscalationStatus.class, EscalationStatus::wire).orElse(null);
        String kw = Inputs.optionalText("keyword", keyword, 100);
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder("t.tenant_id = ?");
        args.add(caller.tenantId());
        switch (caller.kind()) {
            case PROVIDER -> {
                where.append(" and t.provider_id = ?");
                args.add(caller.userId());
            }
            case CUSTOMER -> {
                // Their own tickets, and those of the provider's customers they are linked to.
                where.append(" and (t.chat_customer_id = ? or t.client_id in (select l.client_id from client_link l where l.chat_customer_id = ?))");
                args.add(caller.userId());
                args.add(caller.userId());
            }
            case STAFF -> {
            }
        }
        if (s != null) {
            where.append(" and t.status = ?");
            args.add(s.wire());
        }
        if (ty != null) {
            where.append(" and t.type = ?");
            args.add(ty.wire());
        }
        if (e != null) {
            where.append(" and t.escalation_status = ?");
            args.add(e.wire());
        }
        if (customerId != null) {
            where.append(" and t.client_id = ?");
            args.add(customerId);
        }
        Inputs.Keyword search = kw == null ? null : Inputs.Keyword.of(kw, "t.title");
        boolean unfiltered = caller.kind() != Caller.Kind.CUSTOMER && ty == null && e == null && customerId == null && kw == null;
        long total;
        if (unfiltered) {
            total = counts.tickets(caller.tenantId(), caller.kind() == Caller.Kind.PROVIDER ? caller.userId() : null, s == null ? null : s.wire());
        } else {
            List<Object> countArgs = new ArrayList<>(args);
            String countWhere = search == null ? where.toString() : where + search.indexed(countArgs);
            total = jdbc.sql("select count(*) from ticket t where " + countWhere).params(countArgs).query(Long.class).single();
        }
        if (total == 0 || (paging.after() == null && paging.offset() >= total)) {
            // Nothing on this page (a search with no match walked the whole ordered index to find that out).
            return new TicketPage(List.of(), total, paging.pageNumber(), paging.pageSize(), null);
        }
        // Deferred join: the page's ids come from the covering index (the offset skips index entries only,
        // never table rows: a deep page of 200,000 tickets costs little more than the first), then only the
        // page's rows are read. A search with few matches (the count just told) takes them all from its
        // keyword index first and sorts them: walking the ordered index, as the planner would when it
        // expects many matches, reads every row of the scope before it finds the few. A search with many
        // walks the ordered index, its matches being close together.
        boolean few = search != null && total <= FEW_MATCHES;
        List<Object> pageArgs = new ArrayList<>(args);
        String ids = "select t.id, t.created_at from ticket t where " + where
                + (search == null ? "" : few ? search.indexed(pageArgs) : search.scanned(pageArgs)) + paging.keyset("t", pageArgs);
        pageArgs.add(paging.pageSize());
        pageArgs.add(paging.offset());
        String page = few
                ? "(with m as materialized (" + ids + ") select * from m order by created_at desc, id limit ? offset ?) page"
                : "(" + ids + " order by t.created_at desc, t.id limit ? offset ?) page";
        List<TicketSummary> rows = jdbc.sql("""
                select t.*, c.name as client_name
                from %s
                join ticket t on t.id = page.id left join client c on c.id = t.client_id
                order by page.created_at desc, page.id""".formatted(page))
                .params(pageArgs).query((rs, i) -> summary(rs)).list();
        return new TicketPage(rows, total, paging.pageNumber(), paging.pageSize(),
                paging.next(rows, r -> io.kefu.ticket.provider.PageCursor.of(r.createdAt(), r.id())));
    }

    /** GET /api/customers/{id}/tickets: the customer must be visible to the caller (404 otherwise). */
    @Transactional(readOnly = true)
    public TicketPage ofCustomer(Caller caller, UUID customerId, @Nullable String status, Paging paging) {
        if (caller.isCustomer()) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Customers read their tickets at /api/tickets");
        }
        clients.visible(caller, customerId);
        return list(caller, status, null, null, null, customerId, paging);
    }

    private static TicketSummary summary(ResultSet rs) throws SQLException {
        Timestamp resolved = rs.getTimestamp("resolved_at");
        return new TicketSummary(rs.getObject("id", UUID.class), rs.getObject("client_id", UUID.class), rs.getString("client_name"),
                rs.getString("title"), rs.getString("content"), rs.getString("type"), rs.getString("priority"), rs.getString("status"),
                rs.getObject("provider_id", UUID.class), rs.getObject("assignee_id", UUID.class), rs.getString("assignee_name"),
                rs.getString("escalation_status"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                resolved == null ? null : resolved.toInstant());
    }
}
