package io.kefu.ticket.notice;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.event.EventPublisher;
import io.kefu.ticket.events.NoticeCreated;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs;
import io.kefu.ticket.provider.Inputs.Paging;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The provider's message center. Messages are written in the transaction of the change they tell of
 * (a ticket escalated, an SLA breached, a licence about to expire), together with that change's event,
 * so a message exists exactly when its change does; {@code ticket.notice.created.v1} lets chat or push
 * bring it to a provider who is online. A provider reads only their own.
 */
@Component
public class Notices {

    public record MessageView(UUID id, UUID serviceProviderId, String type, String title, String content,
            @Nullable UUID relatedCustomerId, @Nullable String relatedCustomerName, @Nullable UUID relatedTicketId, String readStatus,
            java.time.Instant createdAt) {
    }

    /** {@code page} is null when the list was read on from a cursor ({@code after}); {@code nextCursor} reads on from this page. */
    public record MessagePage(List<MessageView> messages, long total, @Nullable Integer page, int pageSize, long unread,
            @Nullable String nextCursor) {
    }

    private final NoticeRepository notices;
    private final JdbcClient jdbc;
    private final EventPublisher events;
    private final Clock clock;

    Notices(NoticeRepository notices, JdbcClient jdbc, EventPublisher events, Clock clock) {
        this.notices = notices;
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
    }

    /** Joins the caller's transaction (the change the message tells of). */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID tell(UUID tenantId, UUID providerId, NoticeType type, String title, String content, @Nullable UUID customerId,
            @Nullable String customerName, @Nullable UUID ticketId) {
        Notice notice = notices.save(new Notice(tenantId, providerId, type, title, content, customerId, customerName, ticketId,
                clock.instant()));
        events.publish(new NoticeCreated(notice.id, providerId, type.wire(), notice.title, customerId, ticketId, notice.createdAt),
                tenantId.toString(), providerId.toString());
        return notice.id;
    }

    @Transactional(readOnly = true)
    public MessagePage list(Caller caller, @Nullable String type, @Nullable String readStatus, Paging paging) {
        UUID provider = requireProvider(caller);
        NoticeType t = Inputs.wire("type", type, NoticeType.class, NoticeType::wire).orElse(null);
        String read = readStatus == null || readStatus.isBlank() ? null : readStatus.strip();
        if (read != null && !read.equals("read") && !read.equals("unread")) {
            throw Inputs.invalid("readStatus", "must be one of unread|read");
        }
        StringBuilder where = new StringBuilder(" from notice where tenant_id = ? and provider_id = ?");
        List<Object> args = new ArrayList<>(List.of(caller.tenantId(), provider));
        if (t != null) {
            where.append(" and type = ?");
            args.add(t.wire());
        }
        if (read != null) {
            where.append(" and read_status = ?");
            args.add(read);
        }
        long total = jdbc.sql("select count(*)" + where).params(args).query(Long.class).single();
        List<Object> pageArgs = new ArrayList<>(args);
        String keyset = paging.keyset(null, pageArgs);
        pageArgs.add(paging.pageSize());
        pageArgs.add(paging.offset());
        // Deferred join, as the ticket and customer lists: the page's ids from the covering index, then its rows.
        List<MessageView> rows = jdbc.sql("select n.* from (select id, created_at" + where + keyset
                + " order by created_at desc, id limit ? offset ?) page join notice n on n.id = page.id order by page.created_at desc, page.id")
                .params(pageArgs)
                .query((rs, i) -> new MessageView(rs.getObject("id", UUID.class), rs.getObject("provider_id", UUID.class),
                        rs.getString("type"), rs.getString("title"), rs.getString("content"), rs.getObject("related_customer_id", UUID.class),
                        rs.getString("related_customer_name"), rs.getObject("related_ticket_id", UUID.class), rs.getString("read_status"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
        return new MessagePage(rows, total, paging.pageNumber(), paging.pageSize(), unread(caller.tenantId(), provider),
                paging.next(rows, r -> io.kefu.ticket.provider.PageCursor.of(r.createdAt(), r.id())));
    }

    @Transactional(readOnly = true)
    public MessageView get(Caller caller, UUID id) {
        return view(find(caller, id));
    }

    @Transactional
    public MessageView read(Caller caller, UUID id) {
        Notice notice = find(caller, id);
        notice.markRead();
        return view(notice);
    }

    /** One statement: every unread message of the provider becomes read; returns how many. */
    @Transactional
    public int readAll(Caller caller) {
        UUID provider = requireProvider(caller);
        return jdbc.sql("update notice set read_status = 'read' where tenant_id = ? and provider_id = ? and read_status = 'unread'")
                .params(caller.tenantId(), provider).update();
    }

    public long unread(UUID tenantId, UUID providerId) {
        return jdbc.sql("select count(*) from notice where tenant_id = ? and provider_id = ? and read_status = 'unread'")
                .params(tenantId, providerId).query(Long.class).single();
    }

    private Notice find(Caller caller, UUID id) {
        return notices.findByIdAndTenantIdAndProviderId(id, caller.tenantId(), requireProvider(caller))
                .orElseThrow(() -> new KefuProblemException(ProblemType.NOT_FOUND, "No message " + id));
    }

    private static UUID requireProvider(Caller caller) {
        if (!caller.isProvider()) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "The message center belongs to service providers");
        }
        return caller.userId();
    }

    private static MessageView view(Notice n) {
        return new MessageView(n.id, n.providerId, n.type.wire(), n.title, n.content, n.relatedCustomerId, n.relatedCustomerName,
                n.relatedTicketId, n.readStatus, n.createdAt);
    }
}
