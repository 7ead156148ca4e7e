-- chat's own record of ticket-service's links (ticket.client.linked.v1): which chat customer is which
-- provider's customer, so a provider reads and answers their customers' consultations (/api/chat/**).
create table provider_customer (
    client_id        uuid         not null,
    chat_customer_id uuid         not null,
    tenant_id        uuid         not null,
    provider_id      uuid         not null,
    client_name      varchar(200) not null,
    linked_at        timestamptz  not null,
    primary key (client_id, chat_customer_id)
);
create index provider_customer_provider on provider_customer (tenant_id, provider_id, client_id);
create index provider_customer_chat on provider_customer (tenant_id, chat_customer_id);
