-- Agents' routing profiles, fed by auth-service's staff events; presence and load are routing's own.
create table agent (
    staff_id             uuid primary key,
    tenant_id            uuid         not null,
    name                 varchar(100) not null,
    group_name           varchar(64)  not null default 'default',
    skills               text[]       not null default '{}',
    max_concurrent_chats int          not null default 5 check (max_concurrent_chats between 1 and 100),
    active               boolean      not null default true,
    status               varchar(16)  not null default 'offline' check (status in ('online', 'offline', 'busy')),
    status_changed_at    timestamptz  not null,
    current_load         int          not null default 0 check (current_load >= 0),
    last_assigned_at     timestamptz,
    -- Set when the agent's last WebSocket closed; after the grace period they go offline.
    disconnected_at      timestamptz,
    -- auth-service's profile version: an older staff event never overwrites a newer one.
    profile_version      bigint       not null default 0,
    version              bigint       not null default 0
);
create index agent_pick on agent (tenant_id, group_name, status, current_load);

-- Where each conversation is in routing: with the AI, waiting in a queue, with an agent, or done.
create table route (
    conversation_id       uuid primary key,
    tenant_id             uuid         not null,
    customer_id           uuid         not null,
    channel               varchar(16)  not null,
    status                varchar(16)  not null check (status in ('ai', 'waiting', 'assigned', 'closed')),
    group_name            varchar(64)  not null default 'default',
    skills                text[]       not null default '{}',
    priority              int          not null default 0,
    enqueued_at           timestamptz,
    agent_id              uuid,
    assigned_at           timestamptz,
    previous_agent_id     uuid,
    last_customer_at      timestamptz,
    last_agent_at         timestamptz,
    first_response_at     timestamptz,
    warned_at             timestamptz,
    notified_position     int,
    assignments           int          not null default 0,
    created_at            timestamptz  not null,
    updated_at            timestamptz  not null,
    version               bigint       not null default 0
);
-- The queue: waiting routes of a tenant's group, priority first, then arrival.
create index route_queue on route (tenant_id, group_name, priority desc, enqueued_at) where status = 'waiting';
create index route_agent on route (agent_id) where status = 'assigned';
create index route_activity on route (status, last_customer_at);
create index route_customer on route (tenant_id, customer_id, assigned_at desc);

-- A tenant's routing rules (hot in the database, edited by its admins).
create table routing_rule (
    tenant_id        uuid primary key,
    ai_first         boolean      not null default false,
    default_group    varchar(64)  not null default 'default',
    engineer_group   varchar(64)  not null default 'engineers',
    vip_customers    uuid[]       not null default '{}',
    updated_at       timestamptz  not null
);
