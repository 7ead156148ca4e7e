-- kb-ai's own record of each tenant's customer-service config (auth.tenant.configured.v1): what the
-- answer policy applies — auto mode, black/white lists, business hours, reply delay. Latest version wins.
create table ai_tenant_rule (
    tenant_id      uuid primary key,
    status         varchar(16)  not null,
    auto_mode      boolean      not null,
    blacklist      text[]       not null,
    whitelist      text[]       not null,
    business_hours varchar(200),
    reply_delay    integer      not null,
    version        bigint       not null,
    updated_at     timestamptz  not null
);
