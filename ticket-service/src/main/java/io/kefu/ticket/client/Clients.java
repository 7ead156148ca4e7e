package io.kefu.ticket.client;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.ticket.count.ListCounts;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs;
import io.kefu.ticket.provider.Inputs.Paging;
import io.kefu.ticket.provider.Providers;
import io.kefu.ticket.provider.Providers.Provider;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A provider's software customers. Tenant admins create and edit them (naming the provider account);
 * a provider reads only their own, the tenant's staff all of the tenant's; anyone else's id is a 404.
 * The status shown and filtered on is derived from the expiry date at read time (so it is right even
 * before the daily job ran); the stored column is the job's, for its alerts.
 */
@Component
public class Clients {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern PHONE = Pattern.compile("^[+0-9][0-9 \\-]{2,30}$");
    /** A customer's open tickets: an index-only count on ticket (client_id, ...) include (status). */
    private static final String UNRESOLVED =
            "(select count(*) from ticket t where t.client_id = c.id and t.status in ('open', 'processing'))";

    /** Up to this many matches, a keyword search's page is sorted from its matches rather than found by walking the list's order. */
    static final long FEW_MATCHES = 2_000;

    /** The seed's customer (§4.1), as a provider's mini-program reads it. */
    public record CustomerView(UUID id, String name, @Nullable String contactPerson, @Nullable String phone, @Nullable String email,
            @Nullable String region, @Nullable String softwareVersion, int portCount, LocalDate purchaseDate, LocalDate expiryDate,
            String status, UUID serviceProviderId, String serviceProviderName, int usageScore, long unresolvedIssues,
            @Nullable Instant lastActiveTime, Instant createdAt, Instant updatedAt) {
    }

    /** {@code page} is null when the list was read on from a cursor ({@code after}); {@code nextCursor} reads on from this page. */
    public record CustomerPage(List<CustomerView> customers, long total, @Nullable Integer page, int pageSize, @Nullable String nextCursor) {
    }

    /** What an admin sends; dates and the provider id as text so that a bad one is a 400 naming the field. */
    public record CustomerRequest(@Nullable String name, @Nullable String contactPerson, @Nullable String phone, @Nullable String email,
            @Nullable String region, @Nullable String softwareVersion, @Nullable Integer portCount, @Nullable String purchaseDate,
            @Nullable String expiryDate, @Nullable String serviceProviderId) {
    }

    /** What other features need of a customer the caller may see. */
    public record ClientRef(UUID id, UUID tenantId, UUID providerId, String name, @Nullable String phone) {
    }

    private final ClientRepository clients;
    private final Providers providers;
    private final JdbcClient jdbc;
    private final LiveProperties<ClientProperties> properties;
    private final Clock clock;
    private final ApplicationEventPublisher changes;
    private final ListCounts counts;

    /** In-process, inside the edit's transaction: a customer moved to another provider (the linking package re-announces its links). */
    public record ProviderChanged(UUID tenantId, UUID clientId, UUID providerId, String name) {
    }

    Clients(ClientRepository clients, Providers providers, JdbcClient jdbc, LiveProperties<ClientProperties> properties, Clock clock,
            ApplicationEventPublisher changes, ListCounts counts) {
        this.changes = changes;
        this.counts = counts;
        this.clients = clients;
        this.providers = providers;
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    public LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneId.of(properties.get().zone())));
    }

    @Transactional
    public CustomerView create(Caller caller, CustomerRequest request) {
        caller.requireAdmin();
        Client.Details details = details(caller, request);
        Client client = clients.save(new Client(caller.tenantId(), details, today(), properties.get().expiringDays(), clock.instant()));
        clients.flush();
        return get(caller, client.id);
    }

    /** Checks a create request without storing anything. */
    @Transactional(readOnly = true)
    public void check(Caller caller, CustomerRequest request) {
        caller.requireAdmin();
        details(caller, request);
    }

    @Transactional
    public CustomerView update(Caller caller, UUID id, CustomerRequest request) {
        caller.requireAdmin();
        Client client = clients.findByIdAndTenantId(id, caller.tenantId()).orElseThrow(() -> notFound(id));
        UUID before = client.providerId;
        client.edit(details(caller, request), today(), properties.get().expiringDays(), clock.instant());
        clients.flush();
        if (!before.equals(client.providerId)) {
            changes.publishEvent(new ProviderChanged(client.tenantId, client.id, client.providerId, client.name));
        }
        return get(caller, id);
    }

    @Transactional(readOnly = true)
    public CustomerView get(Caller caller, UUID id) {
        List<Object> args = new ArrayList<>();
        String where = scope(caller, args) + " and c.id = ?";
        args.add(id);
        return query(where, args, today()).stream().findFirst().orElseThrow(() -> notFound(id));
    }

    /** The customer if the caller may see it; a 404 otherwise (another provider's or tenant's ids are not confirmed). */
    @Transactional(readOnly = true)
    public ClientRef visible(Caller caller, UUID id) {
        CustomerView view = get(caller, id);
        return new ClientRef(view.id(), caller.tenantId(), view.serviceProviderId(), view.name(), view.phone());
    }

    @Transactional(readOnly = true)
    public CustomerPage list(Caller caller, @Nullable String status, @Nullable String keyword, @Nullable String region, Paging paging) {
        ClientStatus wanted = Inputs.wire("status", status, ClientStatus.class, ClientStatus::wire).orElse(null);
        String kw = Inputs.optionalText("keyword", keyword, 100);
        String reg = Inputs.optionalText("region", region, 50);
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(scope(caller, args));
        LocalDate today = today();
        int days = properties.get().expiringDays();
        if (wanted != null) {
            switch (wanted) {
                case EXPIRED -> where.append(" and c.expiry_date < ?");
                case EXPIRING -> where.append(" and c.expiry_date >= ? and c.expiry_date <= ?");
                case ACTIVE -> where.append(" and c.expiry_date > ?");
            }
            if (wanted == ClientStatus.EXPIRING) {
                args.add(today);
                args.add(today.plusDays(days));
            } else {
                args.add(wanted == ClientStatus.EXPIRED ? today : today.plusDays(days));
            }
        }
        if (reg != null) {
            where.append(" and c.region = ?");
            args.add(reg);
        }
        boolean unfiltered = wanted == null && reg == null && kw == null;
        long total;
        if (unfiltered) {
            total = counts.clients(caller.tenantId(), caller.kind() == Caller.Kind.PROVIDER ? caller.userId() : null);
        } else {
            List<Object> countArgs = new ArrayList<>(args);
            String countWhere = kw == null ? where.toString() : where + keyword(kw, true, countArgs);
            total = jdbc.sql("select count(*) from client c where " + countWhere).params(countArgs).query(Long.class).single();
        }
        if (total == 0 || (paging.after() == null && paging.offset() >= total)) {
            return new CustomerPage(List.of(), total, paging.pageNumber(), paging.pageSize(), null);
        }
        // Deferred join: the page's ids from the covering index (the offset skips index entries, not rows),
        // then the page's 20 rows with their provider and open-ticket counts. A search with few matches (the
        // count just told) sorts them from its keyword indexes instead of walking the list's order.
        boolean few = kw != null && total <= FEW_MATCHES;
        List<Object> pageArgs = new ArrayList<>(args);
        String ids = "select c.id, c.created_at from client c where " + where + (kw == null ? "" : keyword(kw, few, pageArgs))
                + paging.keyset("c", pageArgs);
        pageArgs.add(paging.pageSize());
        pageArgs.add(paging.offset());
        String page = few
                ? "(with m as materialized (" + ids + ") select * from m order by created_at desc, id limit ? offset ?) page"
                : "(" + ids + " order by c.created_at desc, c.id limit ? offset ?) page";
        List<CustomerView> rows = jdbc.sql("""
                select c.*, p.name as provider_name, %s as unresolved
                from %s
                join client c on c.id = page.id join provider p on p.id = c.provider_id
                order by page.created_at desc, page.id""".formatted(UNRESOLVED, page))
                .params(pageArgs).query((rs, i) -> view(rs, today, days)).list();
        return new CustomerPage(rows, total, paging.pageNumber(), paging.pageSize(),
                paging.next(rows, r -> io.kefu.ticket.provider.PageCursor.of(r.createdAt(), r.id())));
    }

    /**
     * {@code keyword} in the name or contact person (ignoring case) or the phone (as typed): the ILIKE/LIKE of
     * the trigram indexes, or for one or two characters (no trigram) each column's grams of V16 then
     * {@code position} (see {@link Inputs.Keyword}); {@code indexed} false leaves the grams out, for a page
     * walked in the list's order.
     */
    private static String keyword(String kw, boolean indexed, List<Object> args) {
        if (!Inputs.Keyword.of(kw, "c.name").shortWord()) {
            String like = Inputs.containsPattern(kw);
            args.addAll(List.of(like, like, like));
            return " and (c.name ilike ? or c.contact_person ilike ? or c.phone like ?)";
        }
        if (indexed) {
            args.addAll(List.of(kw, kw, kw, kw, kw, kw));
            return " and ((text_grams(c.name) @> text_grams(?) and position(lower(?) in lower(c.name)) > 0)"
                    + " or (text_grams(c.contact_person) @> text_grams(?) and position(lower(?) in lower(c.contact_person)) > 0)"
                    + " or (text_grams(c.phone) @> text_grams(?) and position(? in c.phone) > 0))";
        }
        args.addAll(List.of(kw, kw, kw));
        return " and (position(lower(?) in lower(c.name)) > 0 or position(lower(?) in lower(c.contact_person)) > 0"
                + " or position(? in c.phone) > 0)";
    }

    /** The customer's name, for messages about them; null when unknown. */
    public @Nullable String nameOf(UUID tenantId, UUID id) {
        return jdbc.sql("select name from client where tenant_id = ? and id = ?").params(tenantId, id).query(String.class).optional()
                .orElse(null);
    }

    /** Providers see their own customers, staff the tenant's, chat customers none. */
    private static String scope(Caller caller, List<Object> args) {
        args.add(caller.tenantId());
        return switch (caller.kind()) {
            case STAFF -> "c.tenant_id = ?";
            case PROVIDER -> {
                args.add(caller.userId());
                yield "c.tenant_id = ? and c.provider_id = ?";
            }
            case CUSTOMER -> throw new KefuProblemException(ProblemType.FORBIDDEN, "Customers cannot read the provider's customer records");
        };
    }

    private List<CustomerView> query(String where, List<Object> args, LocalDate today) {
        int days = properties.get().expiringDays();
        return jdbc.sql("""
                select c.*, p.name as provider_name, %s as unresolved
                from client c join provider p on p.id = c.provider_id where %s""".formatted(UNRESOLVED, where))
                .params(args).query((rs, i) -> view(rs, today, days)).list();
    }

    private static CustomerView view(ResultSet rs, LocalDate today, int days) throws SQLException {
        LocalDate expiry = rs.getObject("expiry_date", LocalDate.class);
        java.sql.Timestamp lastActive = rs.getTimestamp("last_active_time");
        return new CustomerView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("contact_person"), rs.getString("phone"),
                rs.getString("email"), rs.getString("region"), rs.getString("software_version"), rs.getInt("port_count"),
                rs.getObject("purchase_date", LocalDate.class), expiry, ClientStatus.of(expiry, today, days).wire(),
                rs.getObject("provider_id", UUID.class), rs.getString("provider_name"), rs.getInt("usage_score"), rs.getLong("unresolved"),
                lastActive == null ? null : lastActive.toInstant(), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private Client.Details details(Caller caller, CustomerRequest r) {
        String name = Inputs.text("name", r.name(), 100);
        String contact = Inputs.optionalText("contactPerson", r.contactPerson(), 50);
        String phone = Inputs.optionalText("phone", r.phone(), 32);
        if (phone != null && !PHONE.matcher(phone).matches()) {
            throw Inputs.invalid("phone", "not a phone number");
        }
        String email = Inputs.optionalText("email", r.email(), 254);
        if (email != null && !EMAIL.matcher(email).matches()) {
            throw Inputs.invalid("email", "not an email address");
        }
        String region = Inputs.optionalText("region", r.region(), 50);
        String version = Inputs.optionalText("softwareVersion", r.softwareVersion(), 50);
        int ports = r.portCount() == null ? 0 : r.portCount();
        if (ports < 0 || ports > 1_000_000) {
            throw Inputs.invalid("portCount", "must be between 0 and 1000000");
        }
        LocalDate purchase = Inputs.date("purchaseDate", r.purchaseDate());
        LocalDate expiry = Inputs.date("expiryDate", r.expiryDate());
        if (expiry.isBefore(purchase)) {
            throw Inputs.invalid("expiryDate", "is before purchaseDate");
        }
        String providerText = Inputs.text("serviceProviderId", r.serviceProviderId(), 36);
        UUID providerId;
        try {
            providerId = UUID.fromString(providerText);
        } catch (IllegalArgumentException e) {
            throw Inputs.invalid("serviceProviderId", "not an id");
        }
        Provider provider = providers.find(caller.tenantId(), providerId).orElseThrow(() -> new KefuProblemException(
                new ProblemType("unknown-provider", org.springframework.http.HttpStatus.BAD_REQUEST, "Unknown service provider"),
                "serviceProviderId names no service provider of this tenant", Map.of("field", "serviceProviderId")));
        return new Client.Details(provider.id(), name, contact, phone, email, region, version, ports, purchase, expiry);
    }

    // --- the daily job's set-based work ----------------------------------------------------------

    /** Moves every stored status that the date has made stale; one statement, idempotent. */
    @Transactional
    public int refreshStatuses() {
        LocalDate today = today();
        LocalDate edge = today.plusDays(properties.get().expiringDays());
        return jdbc.sql("""
                update client set status = case when expiry_date < ? then 'expired' when expiry_date <= ? then 'expiring' else 'active' end,
                                  updated_at = now()
                where status <> case when expiry_date < ? then 'expired' when expiry_date <= ? then 'expiring' else 'active' end""")
                .params(today, edge, today, edge).update();
    }

    /**
     * Claims, in the caller's transaction, the customers whose licence expires within the notice window
     * and who were not yet told for this expiry date: the conditional update marks them, so a second run
     * (or a second instance, which skips the locked rows) cannot claim them again.
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public List<Expiring> claimRenewals() {
        LocalDate today = today();
        ClientProperties p = properties.get();
        return jdbc.sql("""
                update client c set renewal_noticed_for = c.expiry_date
                where c.id in (select id from client where expiry_date >= ? and expiry_date <= ?
                                 and renewal_noticed_for is distinct from expiry_date
                               order by expiry_date limit ? for update skip locked)
                returning c.id, c.tenant_id, c.provider_id, c.name, c.phone, c.expiry_date""")
                .params(today, today.plusDays(p.renewalNoticeDays()), p.batchSize())
                .query((rs, i) -> new Expiring(new ClientRef(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getString(4), rs.getString(5)), rs.getObject(6, LocalDate.class),
                        java.time.temporal.ChronoUnit.DAYS.between(today, rs.getObject(6, LocalDate.class))))
                .list();
    }

    public record Expiring(ClientRef client, LocalDate expiryDate, long daysLeft) {
    }

    private static KefuProblemException notFound(UUID id) {
        return new KefuProblemException(ProblemType.NOT_FOUND, "No customer " + id);
    }
}
