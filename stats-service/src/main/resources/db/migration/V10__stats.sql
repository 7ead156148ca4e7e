-- stats-service: what it learned from other services' events, the measurements every figure is
-- computed from (one row per observation), and rollups per tenant x hour/day x dimension.

-- Tenants seen in events: an unknown tenant in the API is a 404.
create table tenant (
    tenant_id     uuid primary key,
    first_seen_at timestamptz not null
);

-- Every consumed event as received (envelope fields + data): a day can be recomputed from these.
create table stored_event (
    seq         bigserial primary key,
    event_id    text        not null unique,
    tenant_id   uuid        not null,
    type        text        not null,
    occurred_at timestamptz not null,
    subject     text,
    data        jsonb       not null,
    received_at timestamptz not null
);
create index stored_event_tenant_time on stored_event (tenant_id, occurred_at);

-- One row per conversation: the timestamps the definitions need, whatever order events come in.
create table conversation (
    conversation_id uuid primary key,
    tenant_id       uuid not null,
    customer_id     uuid,
    channel         text,
    group_name      text,
    opened_at       timestamptz,
    reopened_at     timestamptz,
    ai_requested_at timestamptz,
    queued_at       timestamptz,
    assigned_at     timestamptz,
    waited_seconds  bigint,
    agent_id        uuid,
    ended_at        timestamptz,
    ended_reason    text,
    ended_agent_id  uuid,
    rating          int,
    rated_at        timestamptz,
    rated_agent_id  uuid
);
create index conversation_customer on conversation (tenant_id, customer_id, opened_at);
create index conversation_ai on conversation (tenant_id, ai_requested_at);

-- Replies by a human agent (chat.message.sent with senderType staff); AI and system messages are never stored here.
create table human_reply (
    conversation_id uuid        not null,
    message_id      uuid        not null,
    agent_id        uuid,
    sent_at         timestamptz not null,
    primary key (conversation_id, message_id)
);

-- Agents as routing and auth describe them; status since when.
create table agent (
    staff_id      uuid primary key,
    tenant_id     uuid not null,
    name          text,
    group_name    text,
    status        text,
    status_since  timestamptz,
    current_load  int not null default 0,
    max_chats     int not null default 0
);
create index agent_tenant on agent (tenant_id);

-- One observation of one metric (see the metric dictionary in README.md). key makes it idempotent:
-- a conversation's figure is re-derived from its row and replaced, an event's figure is keyed by the event.
create table measurement (
    tenant_id       uuid             not null,
    metric          text             not null,
    key             text             not null,
    at              timestamptz      not null,
    value           double precision not null,
    good            boolean          not null default false,
    conversation_id uuid,
    agent_id        uuid,
    group_name      text,
    channel         text,
    primary key (tenant_id, metric, key)
);
create index measurement_time on measurement (tenant_id, at, metric);
create index measurement_conversation on measurement (conversation_id);

-- Sums per tenant x grain (hour/day, in the tenant's time zone) x dimension value, written when a day closes.
create table rollup (
    tenant_id uuid             not null,
    grain     text             not null,
    bucket    timestamptz      not null,
    metric    text             not null,
    dimension text             not null,
    dim_value text             not null,
    cnt       bigint           not null,
    total     double precision not null,
    good      bigint           not null,
    primary key (tenant_id, grain, bucket, metric, dimension, dim_value)
);

-- Days whose rollups are final; a late event for a closed day reopens it (the next close recomputes it).
create table closed_day (
    tenant_id uuid        not null,
    day       date        not null,
    closed_at timestamptz not null,
    primary key (tenant_id, day)
);
