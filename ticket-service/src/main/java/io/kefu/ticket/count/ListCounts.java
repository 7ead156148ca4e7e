package io.kefu.ticket.count;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Exact totals of the unfiltered lists from the delta tables of migration V16, instead of a count(*) over
 * every ticket or customer of the tenant. Triggers insert a row (+n / -n per tenant, provider[, status]) in
 * the transaction that inserts, deletes or moves tickets and customers, so the sum at a statement's
 * snapshot equals count(*) at that snapshot; nothing updates a shared row, so ticket creation is not
 * serialised per tenant. {@link #fold()} keeps the sums short: it replaces each key's rows by their sum in
 * one statement (readers see the rows before or after, both with the same sum), over rows claimed with
 * skip-locked, so two instances folding at once fold disjoint rows and the sums stay exact.
 */
@Component
public class ListCounts {

    private final JdbcClient jdbc;

    ListCounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The tenant's tickets, or one provider's ({@code provider} not null), in one status or all. */
    public long tickets(UUID tenant, @Nullable UUID provider, @Nullable String status) {
        List<Object> args = new ArrayList<>(List.of(tenant));
        StringBuilder sql = new StringBuilder("select coalesce(sum(delta), 0) from ticket_count where tenant_id = ?");
        if (provider != null) {
            sql.append(" and provider_id = ?");
            args.add(provider);
        }
        if (status != null) {
            sql.append(" and status = ?");
            args.add(status);
        }
        return jdbc.sql(sql.toString()).params(args).query(Long.class).single();
    }

    /** The tenant's customers, or one provider's. */
    public long clients(UUID tenant, @Nullable UUID provider) {
        return provider == null
                ? jdbc.sql("select coalesce(sum(delta), 0) from client_count where tenant_id = ?").param(tenant).query(Long.class).single()
                : jdbc.sql("select coalesce(sum(delta), 0) from client_count where tenant_id = ? and provider_id = ?").params(tenant, provider)
                        .query(Long.class).single();
    }

    /** Folds every key with more than one row into one row (none when its sum is 0); returns the rows folded away. */
    public int fold() {
        int tickets = jdbc.sql("""
                with claimed as (
                    delete from ticket_count where id in (
                        select c.id from ticket_count c
                        join (select tenant_id, provider_id, status from ticket_count group by tenant_id, provider_id, status
                              having count(*) > 1) k
                          on c.tenant_id = k.tenant_id and c.provider_id is not distinct from k.provider_id and c.status = k.status
                        for update of c skip locked)
                    returning tenant_id, provider_id, status, delta),
                folded as (
                    insert into ticket_count (tenant_id, provider_id, status, delta)
                    select tenant_id, provider_id, status, sum(delta) from claimed group by tenant_id, provider_id, status
                    having sum(delta) <> 0
                    returning 1)
                select (select count(*) from claimed) - (select count(*) from folded)""").query(Integer.class).single();
        int clients = jdbc.sql("""
                with claimed as (
                    delete from client_count where id in (
                        select c.id from client_count c
                        join (select tenant_id, provider_id from client_count group by tenant_id, provider_id having count(*) > 1) k
                          on c.tenant_id = k.tenant_id and c.provider_id = k.provider_id
                        for update of c skip locked)
                    returning tenant_id, provider_id, delta),
                folded as (
                    insert into client_count (tenant_id, provider_id, delta)
                    select tenant_id, provider_id, sum(delta) from claimed group by tenant_id, provider_id having sum(delta) <> 0
                    returning 1)
                select (select count(*) from claimed) - (select count(*) from folded)""").query(Integer.class).single();
        return tickets + clients;
    }
}
