-- The tenant's staff as auth announces them (names, WeCom userids for staff commands), and the
-- presale → in-sale → aftersale projects of seed 003 with their append-only stage history.

create table staff (
    id            uuid primary key,
    tenant_id     uuid         not null,
    name          varchar(100) not null,
    wecom_user_id varchar(64),
    active        boolean      not null default true,
    version       bigint       not null default 0
);
create index staff_wecom on staff (tenant_id, wecom_user_id);

create table project (
    id               uuid primary key,
    tenant_id        uuid          not null,
    customer_name    varchar(50)   not null,
    phone            varchar(32)   not null,
    need             varchar(1000) not null,
    stage            varchar(16)   not null check (stage in ('presale', 'in_sale', 'aftersale')),
    owner_staff_id   uuid,
    owner_name       varchar(100),
    chat_customer_id uuid,
    client_id        uuid references client (id),
    source           varchar(16)   not null,
    created_at       timestamptz   not null,
    updated_at       timestamptz   not null,
    version          bigint        not null default 0
);
create index project_tenant on project (tenant_id, created_at desc);
create index project_owner on project (tenant_id, owner_staff_id, created_at desc);
create index project_phone on project (tenant_id, phone);

create table project_stage (
    id            uuid primary key,
    project_id    uuid         not null references project (id),
    from_stage    varchar(16),
    to_stage      varchar(16)  not null,
    operator_id   uuid,
    operator_name varchar(100) not null,
    note          varchar(1000),
    at            timestamptz  not null
);
create index project_stage_project on project_stage (project_id, at);

create trigger project_stage_no_change before update or delete on project_stage
    for each row execute function ticket_history_append_only();
