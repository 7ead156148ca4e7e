-- auth.provider.updated.v1 carries the account's version: an older update never overwrites a newer one
-- (registration counts as version 0), and active is kept for what the provider may still be shown as.
alter table provider add column version bigint not null default 0;
alter table provider add column active boolean not null default true;

-- Escalations and SLA breaches are announced to the tenant's support staff: those of a department when
-- the tenant names one (kefu.ticket.staff-alerts.departments), reached on WeCom by their userid.
alter table staff add column department varchar(100);
create index staff_alerted on staff (tenant_id, department) where active and wecom_user_id is not null;

-- A tenant's integration key for the business's software (usage signals): only a SHA-256 of the key is
-- kept (the key is 32 random bytes, so no slow hash is needed), with a short prefix the admin can
-- recognise. One key per tenant; creating a new one replaces (and so revokes) the old.
create table integration_key (
    tenant_id    uuid primary key,
    key_hash     bytea        not null unique,
    key_prefix   varchar(16)  not null,
    created_by   uuid         not null,
    created_at   timestamptz  not null,
    last_used_at timestamptz
);
