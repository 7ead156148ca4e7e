-- Which chat customers (auth's customers, any channel) are a provider's customer: linked through the
-- Official Account with a phone number and an SMS code, or when a WeCom employee adds them as a contact.
create table client_link (
    client_id        uuid        not null references client (id),
    chat_customer_id uuid        not null,
    tenant_id        uuid        not null,
    via              varchar(16) not null check (via in ('phone', 'wecom')),
    linked_at        timestamptz not null,
    primary key (client_id, chat_customer_id)
);
create index client_link_customer on client_link (tenant_id, chat_customer_id);

-- SMS codes asked for by chat customers. Only a hash of the code is kept; matched = some customer of
-- the tenant has that phone (no SMS is sent otherwise, and verifying such a code always fails).
create table phone_code (
    id               uuid primary key,
    tenant_id        uuid        not null,
    chat_customer_id uuid        not null,
    phone            varchar(32) not null,
    code_hash        varchar(64) not null,
    matched          boolean     not null,
    attempts         int         not null default 0,
    created_at       timestamptz not null,
    expires_at       timestamptz not null,
    used_at          timestamptz
);
create index phone_code_customer on phone_code (chat_customer_id, created_at desc);
create index phone_code_phone on phone_code (tenant_id, phone, created_at desc);
