-- Channel accounts (a tenant's Official Accounts and WeCom apps), raw inbound callbacks, WeCom contact bindings.

create table channel_account (
    id           uuid primary key,
    tenant_id    uuid         not null,
    kind         varchar(16)  not null check (kind in ('mp', 'wecom')),
    name         varchar(100) not null,
    -- mp: the OA's appId; wecom: null
    app_id       varchar(32),
    -- wecom: the company and the app
    corp_id      varchar(32),
    agent_id     integer,
    -- AES-GCM sealed with kefu.chat.secret-key (SecretCipher); never returned by the API
    secret_enc   text         not null,
    token_enc    text         not null,
    aes_key_enc  text,
    enabled      boolean      not null default true,
    version      bigint       not null default 0,
    created_at   timestamptz  not null,
    updated_at   timestamptz  not null,
    check ((kind = 'mp' and app_id is not null and corp_id is null and agent_id is null)
        or (kind = 'wecom' and app_id is null and corp_id is not null and agent_id is not null))
);
-- Callback URLs carry no tenant: an appId (or corpId + agentId) names one account across all tenants.
create unique index channel_account_app on channel_account (app_id) where kind = 'mp';
create unique index channel_account_corp_agent on channel_account (corp_id, agent_id) where kind = 'wecom';
create index channel_account_tenant on channel_account (tenant_id, created_at);

-- Every accepted callback, stored before WeChat is answered; processed asynchronously.
create table channel_inbound (
    id            uuid primary key,
    tenant_id     uuid         not null,
    account_id    uuid         not null references channel_account (id),
    channel       varchar(16)  not null check (channel in ('mp', 'wecom')),
    -- MsgId for messages, FromUserName + CreateTime for events: WeChat's retries land here once
    dedupe_key    varchar(200) not null,
    msg_type      varchar(32)  not null,
    event         varchar(64),
    event_key     varchar(256),
    from_user     varchar(128) not null,
    -- the plain (decrypted) XML as WeChat sent it
    raw_xml       text         not null,
    -- pending until processed; done (a message stored or a fact recorded); ignored; failed (gave up)
    status        varchar(16)  not null check (status in ('pending', 'done', 'ignored', 'failed')),
    attempts      integer      not null default 0,
    claimed_until timestamptz,
    last_error    text,
    message_id    uuid,
    received_at   timestamptz  not null,
    processed_at  timestamptz
);
create unique index channel_inbound_dedupe on channel_inbound (account_id, dedupe_key);
create index channel_inbound_pending on channel_inbound (received_at) where status = 'pending';
-- The latest QR scan of a follower tells where their next message came from.
create index channel_inbound_scan on channel_inbound (account_id, from_user, received_at desc) where event in ('SCAN', 'subscribe');

-- A WeCom employee (follow user) added an external contact: the contact is bound to a customer.
create table wecom_contact_binding (
    account_id       uuid         not null references channel_account (id),
    external_user_id varchar(128) not null,
    follow_user_id   varchar(128) not null,
    tenant_id        uuid         not null,
    customer_id      uuid         not null,
    state            varchar(64),
    status           varchar(24)  not null check (status in ('active', 'deleted_by_staff', 'deleted_by_customer')),
    created_at       timestamptz  not null,
    updated_at       timestamptz  not null,
    primary key (account_id, external_user_id, follow_user_id)
);
create index wecom_contact_binding_external on wecom_contact_binding (account_id, external_user_id);
