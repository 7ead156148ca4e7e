-- Keyword search ("ilike '%…%'" on ticket titles, customer names, contact persons and phones) read every
-- row of the tenant or provider; trigram GIN indexes answer it from the index (pg_trgm, a trusted
-- extension: the database's owner may create it, no superuser needed). In public, so a second service
-- wanting it in the same database finds it there; the operator class is named with its schema because
-- this schema's search_path does not include public.
create extension if not exists pg_trgm with schema public;

create index ticket_title_trgm on ticket using gin (title public.gin_trgm_ops);
create index client_name_trgm on client using gin (name public.gin_trgm_ops);
create index client_contact_trgm on client using gin (contact_person public.gin_trgm_ops);
create index client_phone_trgm on client using gin (phone public.gin_trgm_ops);
