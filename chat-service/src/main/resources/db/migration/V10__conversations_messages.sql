-- Conversations (the seed's "consultations") and their messages.

create table conversation (
    id                       uuid primary key,
    tenant_id                uuid         not null,
    customer_id              uuid         not null,
    agent_id                 uuid,
    status                   varchar(16)  not null check (status in ('waiting', 'active', 'closed', 'timeout')),
    source                   varchar(16)  not null check (source in ('qr_code', 'quick_chat', 'transfer')),
    source_info              jsonb,
    -- The entry the customer last wrote through; replies leave by the same one.
    channel                  varchar(16)  not null check (channel in ('miniapp', 'mp', 'wecom', 'web')),
    channel_account_id       uuid,
    channel_user_id          varchar(128),
    started_at               timestamptz  not null,
    last_message_at          timestamptz  not null,
    last_customer_message_at timestamptz,
    ended_at                 timestamptz,
    ended_reason             varchar(32),
    ended_by                 uuid,
    ended_type               varchar(16),
    ended_comment            text,
    rating                   smallint check (rating between 1 and 5),
    feedback                 text,
    rated_at                 timestamptz,
    version                  bigint       not null default 0,
    created_at               timestamptz  not null,
    updated_at               timestamptz  not null
);
-- At most one open conversation per customer and tenant: two entries (OA, mini-program) share it.
create unique index conversation_open_per_customer on conversation (tenant_id, customer_id)
    where status in ('waiting', 'active');
create index conversation_customer on conversation (customer_id, started_at desc);
create index conversation_agent_status on conversation (agent_id, status, last_message_at);
create index conversation_tenant_status on conversation (tenant_id, status, last_message_at);

create table message (
    id               uuid primary key,
    -- Global arrival order: the cursor of history pages.
    seq              bigint generated always as identity unique,
    conversation_id  uuid         not null references conversation (id) on delete cascade,
    tenant_id        uuid         not null,
    sender_id        uuid,
    sender_type      varchar(16)  not null check (sender_type in ('customer', 'staff', 'ai', 'system')),
    type             varchar(16)  not null check (type in ('text', 'image', 'voice', 'file', 'system')),
    content          text         not null,
    extra            jsonb,
    channel          varchar(16)  not null,
    -- The client's own id for a send: a retried send returns the stored message, never a second one.
    client_msg_id    varchar(64),
    -- The channel's id (WeChat MsgId): a callback retried by WeChat is stored once.
    channel_msg_id   varchar(128),
    status           varchar(16)  not null check (status in ('sending', 'sent', 'delivered', 'read', 'failed')),
    failure_reason   text,
    failure_code     varchar(32),
    created_at       timestamptz  not null,
    sent_at          timestamptz,
    delivered_at     timestamptz,
    read_at          timestamptz
);
create index message_conversation_seq on message (conversation_id, seq);
create unique index message_client_id on message (sender_id, client_msg_id) where client_msg_id is not null;
create unique index message_channel_id on message (tenant_id, channel, channel_msg_id) where channel_msg_id is not null;
create index message_unread on message (conversation_id, sender_type) where read_at is null;
