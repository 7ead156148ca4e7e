-- push-service: templates, subscriptions, batches and messages (the push records, which carry their trace).

create table template (
    id                   uuid primary key,
    tenant_id            uuid         not null,
    name                 varchar(100) not null,
    channel              varchar(16)  not null,
    kind                 varchar(32)  not null,
    title                varchar(200),
    content              text         not null,
    variables            text[]       not null,
    status               varchar(16)  not null,
    provider             varchar(32),
    provider_template_id varchar(128),
    sms_sign             varchar(64),
    page                 varchar(500),
    version              bigint       not null default 0,
    created_at           timestamptz  not null,
    updated_at           timestamptz  not null,
    constraint template_name_unique unique (tenant_id, name)
);

-- A mini-program subscribe authorisation: one authorisation allows exactly one message, consumed when sent.
create table subscription (
    id                uuid primary key,
    tenant_id         uuid         not null,
    openid            varchar(64)  not null,
    wx_template_id    varchar(128) not null,
    subscribed_at     timestamptz  not null,
    expires_at        timestamptz,
    consumed_at       timestamptz,
    consumed_by       uuid
);
create index subscription_available on subscription (tenant_id, openid, wx_template_id, subscribed_at) where consumed_at is null;

create table batch (
    id              uuid primary key,
    tenant_id       uuid         not null,
    template_id     uuid         not null,
    priority        int          not null,
    total           int          not null,
    accepted        int          not null,
    rejected        int          not null,
    rejections      jsonb        not null,
    idempotency_key varchar(200),
    created_by      uuid,
    created_at      timestamptz  not null
);
create unique index batch_idempotency on batch (tenant_id, idempotency_key) where idempotency_key is not null;

create table message (
    id                  uuid primary key,
    tenant_id           uuid          not null,
    batch_id            uuid,
    template_id         uuid          not null,
    channel             varchar(16)   not null,
    recipient           varchar(1000) not null,
    variables           jsonb         not null,
    priority            int           not null,
    status              varchar(16)   not null,
    attempts            int           not null default 0,
    next_attempt_at     timestamptz,
    lease_until         timestamptz,
    published_at        timestamptz,
    provider_message_id varchar(200),
    provider_response   varchar(2000),
    failure_reason      varchar(1000),
    idempotency_key     varchar(200),
    trace               jsonb         not null default '[]',
    created_at          timestamptz   not null,
    processed_at        timestamptz,
    sent_at             timestamptz,
    callback_at         timestamptz,
    send_millis         int,
    updated_at          timestamptz   not null
);
create unique index message_idempotency on message (tenant_id, idempotency_key) where idempotency_key is not null;
create index message_batch on message (batch_id, status) where batch_id is not null;
create index message_recipient on message (tenant_id, recipient, created_at desc);
create index message_due on message (next_attempt_at) where status = 'scheduled';
create index message_unpublished on message (created_at) where status = 'queued' and published_at is null;
create index message_lease on message (lease_until) where status = 'sending';
create index message_provider_id on message (channel, provider_message_id) where provider_message_id is not null;
create index message_tenant_time on message (tenant_id, created_at);

-- Provider callbacks (delivery receipts): stored in one statement, answered at once, processed later.
create table receipt (
    id           bigserial primary key,
    provider     varchar(32)  not null,
    body         text         not null,
    received_at  timestamptz  not null,
    lease_until  timestamptz,
    attempts     int          not null default 0,
    processed_at timestamptz,
    outcome      varchar(200)
);
create index receipt_pending on receipt (received_at) where processed_at is null;
