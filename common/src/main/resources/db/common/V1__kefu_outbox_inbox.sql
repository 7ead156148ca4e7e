-- Outbox and inbox of the event machinery (kefu-common). Every service runs this in its own schema,
-- so no statement names a schema. Service migrations start at V10.

create table kefu_outbox (
    id              uuid primary key,
    event_type      varchar(200)  not null,
    exchange        varchar(200)  not null,
    routing_key     varchar(200)  not null,
    priority        smallint      not null,
    envelope        jsonb         not null,
    created_at      timestamptz   not null default now(),
    next_attempt_at timestamptz   not null default now(),
    attempts        integer       not null default 0,
    last_error      varchar(1000),
    published_at    timestamptz
);
-- The relay reads only what is still to send, oldest first; the partial index stays small.
create index kefu_outbox_pending on kefu_outbox (next_attempt_at, created_at) where published_at is null;
create index kefu_outbox_published on kefu_outbox (published_at) where published_at is not null;

create table kefu_inbox (
    consumer    varchar(200) not null,
    event_id    varchar(100) not null,
    event_type  varchar(200) not null,
    received_at timestamptz  not null default now(),
    primary key (consumer, event_id)
);
create index kefu_inbox_received on kefu_inbox (received_at);
