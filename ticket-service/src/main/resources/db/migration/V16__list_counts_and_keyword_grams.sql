-- Exact list totals without count(*) (issue 12: p95 <= 50 ms with 200,000 tickets in a tenant). Staff's
-- unfiltered lists counted every ticket or customer of the tenant on each call. These tables hold the
-- counts as deltas: triggers insert rows (+n / -n per tenant, provider[, status]) in the transaction that
-- inserts, deletes or moves the rows, so a sum over them is exact at any snapshot, the way count(*) is.
-- Insert-only: no transaction updates a shared counter row, so nothing serialises ticket creation per
-- tenant or deadlocks (a single counter row per tenant would hold its lock until commit). The
-- ticket-count-fold job sums each key's rows into one (ListCounts.fold), so a read sums a few rows.
create table ticket_count (
    id          bigint generated always as identity primary key,
    tenant_id   uuid        not null,
    provider_id uuid,
    status      varchar(16) not null,
    delta       bigint      not null
);
create index ticket_count_key on ticket_count (tenant_id, provider_id, status) include (delta);

create table client_count (
    id          bigint generated always as identity primary key,
    tenant_id   uuid   not null,
    provider_id uuid   not null,
    delta       bigint not null
);
create index client_count_key on client_count (tenant_id, provider_id) include (delta);

-- Inserts and deletes: one statement-level trigger each, so a set-based insert of 200,000 tickets adds one
-- row per (tenant, provider, status), not 200,000. Updates: a row trigger only when the counted columns
-- change (the WHEN clause keeps replies and every other update free of it). search_path is fixed to the
-- migration's schema, as the triggers run in whatever session writes.
create function ticket_count_inserted() returns trigger language plpgsql set search_path from current as $$
begin
    insert into ticket_count (tenant_id, provider_id, status, delta)
    select tenant_id, provider_id, status, count(*) from new_rows group by tenant_id, provider_id, status;
    return null;
end $$;
create function ticket_count_deleted() returns trigger language plpgsql set search_path from current as $$
begin
    insert into ticket_count (tenant_id, provider_id, status, delta)
    select tenant_id, provider_id, status, -count(*) from old_rows group by tenant_id, provider_id, status;
    return null;
end $$;
create function ticket_count_moved() returns trigger language plpgsql set search_path from current as $$
begin
    insert into ticket_count (tenant_id, provider_id, status, delta)
    values (old.tenant_id, old.provider_id, old.status, -1), (new.tenant_id, new.provider_id, new.status, 1);
    return null;
end $$;
create trigger ticket_count_inserted after insert on ticket referencing new table as new_rows
    for each statement execute function ticket_count_inserted();
create trigger ticket_count_deleted after delete on ticket referencing old table as old_rows
    for each statement execute function ticket_count_deleted();
create trigger ticket_count_moved after update of tenant_id, provider_id, status on ticket for each row
    when (old.tenant_id is distinct from new.tenant_id or old.provider_id is distinct from new.provider_id
          or old.status is distinct from new.status)
    execute function ticket_count_moved();

create function client_count_inserted() returns trigger language plpgsql set search_path from current as $$
begin
    insert into client_count (tenant_id, provider_id, delta)
    select tenant_id, provider_id, count(*) from new_rows group by tenant_id, provider_id;
    return null;
end $$;
create function client_count_deleted() returns trigger language plpgsql set search_path from current as $$
begin
    insert into client_count (tenant_id, provider_id, delta)
    select tenant_id, provider_id, -count(*) from old_rows group by tenant_id, provider_id;
    return null;
end $$;
create function client_count_moved() returns trigger language plpgsql set search_path from current as $$
begin
    insert into client_count (tenant_id, provider_id, delta)
    values (old.tenant_id, old.provider_id, -1), (new.tenant_id, new.provider_id, 1);
    return null;
end $$;
create trigger client_count_inserted after insert on client referencing new table as new_rows
    for each statement execute function client_count_inserted();
create trigger client_count_deleted after delete on client referencing old table as old_rows
    for each statement execute function client_count_deleted();
create trigger client_count_moved after update of tenant_id, provider_id on client for each row
    when (old.tenant_id is distinct from new.tenant_id or old.provider_id is distinct from new.provider_id)
    execute function client_count_moved();

-- The rows already there. Creating the triggers above took a lock on each table that blocks writers until
-- this migration commits, so no row is written between these counts and the triggers: exact from the start.
insert into ticket_count (tenant_id, provider_id, status, delta)
select tenant_id, provider_id, status, count(*) from ticket group by tenant_id, provider_id, status;
insert into client_count (tenant_id, provider_id, delta)
select tenant_id, provider_id, count(*) from client group by tenant_id, provider_id;

-- Keywords of one or two characters (two-character Chinese words are the common case: 登录, 报表) yield no
-- trigram, so pg_trgm cannot serve them and the search read every title of the tenant or provider.
-- pg_bigm cannot be installed here; this is its idea in plain SQL: the set of a title's 1- and
-- 2-character substrings, lower-cased as ILIKE compares them, in a GIN index on the expression. A title
-- contains a keyword of one or two characters exactly when its grams contain the keyword's grams; the
-- search still rechecks with ILIKE (TicketQueries), so its results are those of ILIKE alone.
create function text_grams(t text) returns text[] language sql immutable strict parallel safe as $$
    select coalesce(array_agg(distinct g), '{}')
    from (select substr(lower(t), i, n) as g
          from generate_series(1, char_length(lower(t))) as i, (values (1), (2)) as len(n)
          where i + n - 1 <= char_length(lower(t))) grams
$$;
create index ticket_title_grams on ticket using gin (text_grams(title));
create index client_name_grams on client using gin (text_grams(name));
create index client_contact_grams on client using gin (text_grams(contact_person));
create index client_phone_grams on client using gin (text_grams(phone));
