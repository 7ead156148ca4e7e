-- auth-service's own tables (schema auth). Ids are UUIDs so they can travel in tokens and events.

-- Tenants: the seed's "shops". The mini-program secret is AES-GCM encrypted (kefu.auth.secret-key).
create table tenant (
    id                uuid primary key,
    name              varchar(128) not null,
    config            jsonb        not null default '{}'::jsonb,
    miniapp_app_id    varchar(64),
    miniapp_secret    text,
    status            varchar(16)  not null default 'active',
    version           bigint       not null default 0,
    created_at        timestamptz  not null,
    updated_at        timestamptz  not null,
    constraint tenant_name_uk unique (name),
    constraint tenant_app_uk unique (miniapp_app_id)
);

-- Customers: one person per tenant, whatever channel they came through.
create table customer (
    id             uuid primary key,
    tenant_id      uuid         not null references tenant (id),
    union_id       varchar(64),
    nickname       varchar(100),
    avatar_url     varchar(500),
    gender         smallint     not null default 0,
    city           varchar(50),
    province       varchar(50),
    country        varchar(50),
    phone          varchar(20),
    status         varchar(16)  not null default 'active',
    version        bigint       not null default 0,
    created_at     timestamptz  not null,
    updated_at     timestamptz  not null,
    last_active_at timestamptz
);
-- unionid joins a person's channels: at most one customer per (tenant, unionid); the race guard.
create unique index customer_union_uk on customer (tenant_id, union_id) where union_id is not null;

-- Channel identities: OA openid, mini-program openid, WeCom external userid, phone -> one customer.
-- app_id is '' where the identity is not per-app (phone). The unique key makes first sight race-safe.
create table channel_identity (
    id          uuid primary key,
    tenant_id   uuid         not null references tenant (id),
    customer_id uuid         not null references customer (id),
    kind        varchar(32)  not null,
    app_id      varchar(64)  not null default '',
    value       varchar(128) not null,
    created_at  timestamptz  not null,
    constraint channel_identity_uk unique (tenant_id, kind, app_id, value)
);
create index channel_identity_customer_idx on channel_identity (customer_id);

-- Accounts that sign in other than as customers: staff, tenant admins, providers, the superadmin.
create table account (
    id                   uuid primary key,
    tenant_id            uuid references tenant (id),
    type                 varchar(16)  not null,
    name                 varchar(100) not null,
    username             varchar(64),
    password_hash        varchar(255),
    wechat_openid        varchar(64),
    avatar               varchar(500),
    department           varchar(100),
    roles                varchar(200) not null,
    max_concurrent_chats integer      not null default 5,
    active               boolean      not null default true,
    failed_attempts      integer      not null default 0,
    locked_until         timestamptz,
    last_login_at        timestamptz,
    version              bigint       not null default 0,
    created_at           timestamptz  not null,
    updated_at           timestamptz  not null
);
-- usernames are global (password login names no tenant); compared case-insensitively
create unique index account_username_uk on account (lower(username)) where username is not null;
create unique index account_openid_uk on account (tenant_id, wechat_openid) where wechat_openid is not null;
create index account_tenant_idx on account (tenant_id);

-- Every sign-in attempt, successful or not.
create table login_audit (
    id          bigserial primary key,
    account_id  uuid,
    principal   varchar(128),
    kind        varchar(32)  not null,
    outcome     varchar(32)  not null,
    ip          varchar(64),
    user_agent  varchar(500),
    at          timestamptz  not null
);
create index login_audit_account_idx on login_audit (account_id, at);

-- RS256 signing keys; the private half encrypted with kefu.auth.secret-key.
create table signing_key (
    kid          varchar(64) primary key,
    public_jwk   text        not null,
    private_key  text        not null,
    created_at   timestamptz not null,
    active_from  timestamptz not null,
    retire_after timestamptz
);

-- Refresh tokens: only the SHA-256 of the opaque value is kept; a family is one sign-in's chain.
create table refresh_token (
    id           uuid primary key,
    token_hash   varchar(64)  not null,
    family_id    uuid         not null,
    subject_id   uuid         not null,
    subject_kind varchar(16)  not null,
    issued_at    timestamptz  not null,
    expires_at   timestamptz  not null,
    used_at      timestamptz,
    revoked_at   timestamptz,
    constraint refresh_token_hash_uk unique (token_hash)
);
create index refresh_token_family_idx on refresh_token (family_id);
