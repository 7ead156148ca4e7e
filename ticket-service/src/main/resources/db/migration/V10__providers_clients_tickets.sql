-- Service providers (from auth's provider events), their software customers ("clients"), tickets
-- with SLA clocks and an append-only history, and the providers' message center.

create table provider (
    id            uuid primary key,
    tenant_id     uuid         not null,
    name          varchar(100) not null,
    username      varchar(100),
    registered_at timestamptz  not null
);
create index provider_tenant on provider (tenant_id);

create table client (
    id                   uuid primary key,
    tenant_id            uuid         not null,
    provider_id          uuid         not null references provider (id),
    name                 varchar(100) not null,
    contact_person       varchar(50),
    phone                varchar(32),
    email                varchar(254),
    region               varchar(50),
    software_version     varchar(50),
    port_count           int          not null default 0 check (port_count >= 0),
    purchase_date        date         not null,
    expiry_date          date         not null,
    status               varchar(16)  not null check (status in ('active', 'expiring', 'expired')),
    usage_score          int          not null default 0 check (usage_score between 0 and 100),
    last_active_time     timestamptz,
    -- The expiry date the renewal alert and ticket were raised for: once per licence period.
    renewal_noticed_for  date,
    created_at           timestamptz  not null,
    updated_at           timestamptz  not null,
    version              bigint       not null default 0,
    check (expiry_date >= purchase_date)
);
create index client_provider on client (tenant_id, provider_id, created_at desc);
create index client_tenant on client (tenant_id, created_at desc);
create index client_expiry on client (expiry_date);
create index client_phone on client (tenant_id, phone);

-- Usage the customer's software reports (logins, features used, ports in use); the score reads 30 days.
create table usage_signal (
    id          bigserial primary key,
    tenant_id   uuid         not null,
    client_id   uuid         not null references client (id),
    kind        varchar(16)  not null check (kind in ('login', 'feature', 'ports')),
    feature     varchar(64),
    value       int          not null default 1 check (value >= 0),
    occurred_at timestamptz  not null
);
create index usage_signal_client on usage_signal (client_id, occurred_at);

create table ticket (
    id                      uuid primary key,
    tenant_id               uuid          not null,
    provider_id             uuid,
    client_id               uuid references client (id),
    chat_customer_id        uuid,
    conversation_id         uuid,
    title                   varchar(200)  not null,
    content                 text          not null,
    type                    varchar(32)   not null check (type in ('system_issue', 'product_suggestion', 'training_implementation',
                                                                   'renewal_question', 'issue_escalation', 'complaint')),
    priority                varchar(16)   not null check (priority in ('low', 'normal', 'high', 'urgent')),
    status                  varchar(16)   not null check (status in ('open', 'processing', 'resolved', 'closed')),
    escalation_status       varchar(16)   not null check (escalation_status in ('normal', 'escalated')),
    escalation_reason       varchar(1000),
    assignee_id             uuid,
    assignee_name           varchar(100),
    created_by              uuid,
    -- SLA: the clock starts here (a conversation's first customer message, else creation); business
    -- time spent waiting on the customer is subtracted.
    sla_started_at          timestamptz   not null,
    waiting_since           timestamptz,
    paused_seconds          bigint        not null default 0,
    first_response_at       timestamptz,
    first_response_breached boolean       not null default false,
    resolution_breached     boolean       not null default false,
    rating                  smallint check (rating between 1 and 5),
    rating_comment          varchar(1000),
    rated_at                timestamptz,
    transcript              jsonb,
    created_at              timestamptz   not null,
    updated_at              timestamptz   not null,
    resolved_at             timestamptz,
    closed_at               timestamptz,
    version                 bigint        not null default 0
);
create index ticket_tenant on ticket (tenant_id, created_at desc);
create index ticket_provider on ticket (tenant_id, provider_id, created_at desc);
create index ticket_client on ticket (client_id, created_at desc);
create index ticket_customer on ticket (tenant_id, chat_customer_id, created_at desc);
create index ticket_sla_open on ticket (sla_started_at) where status in ('open', 'processing');
create index ticket_resolved on ticket (resolved_at) where status = 'resolved';

-- Every change of a ticket: who, what, when. Append-only (the trigger refuses updates and deletes).
create table ticket_history (
    id            uuid primary key,
    ticket_id     uuid          not null references ticket (id),
    operator_id   uuid,
    operator_name varchar(100)  not null,
    operator_type varchar(16)   not null,
    action        varchar(32)   not null,
    content       text,
    at            timestamptz   not null
);
create index ticket_history_ticket on ticket_history (ticket_id, at);

create function ticket_history_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'ticket_history is append-only';
end $$;
create trigger ticket_history_no_change before update or delete on ticket_history
    for each row execute function ticket_history_append_only();

-- The provider's message center (seed 004 §4.3).
create table notice (
    id                    uuid primary key,
    tenant_id             uuid          not null,
    provider_id           uuid          not null,
    type                  varchar(32)   not null check (type in ('system_notification', 'customer_alert', 'ticket_update')),
    title                 varchar(200)  not null,
    content               text          not null,
    related_customer_id   uuid,
    related_customer_name varchar(100),
    related_ticket_id     uuid,
    read_status           varchar(8)    not null check (read_status in ('unread', 'read')),
    created_at            timestamptz   not null
);
create index notice_provider on notice (tenant_id, provider_id, created_at desc);
create index notice_unread on notice (provider_id) where read_status = 'unread';

-- A conversation becomes at most one ticket: a repeated request answers the first.
create unique index ticket_conversation on ticket (conversation_id) where conversation_id is not null;
