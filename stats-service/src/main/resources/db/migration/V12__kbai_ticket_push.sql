-- kb-ai's, ticket-service's and push-service's facts (see the metric dictionary in README.md).

-- kb-ai handed the conversation to a person (kb.conversation.handed-off.v1): an AI hand-off and no deflection,
-- even before (or without) routing's queueing.
alter table conversation add column ai_handed_off_at timestamptz;

-- One row per ticket: SLA met is re-derived from it whatever order its events arrive in.
create table ticket (
    ticket_id       uuid primary key,
    tenant_id       uuid not null,
    conversation_id uuid,
    created_at      timestamptz,
    resolved_at     timestamptz,
    breached_at     timestamptz,
    escalated_at    timestamptz
);
create index ticket_tenant on ticket (tenant_id);

-- The latest final outcome of each push message (a re-driven unknown one may end sent after all).
create table push_message (
    message_id  uuid primary key,
    tenant_id   uuid             not null,
    channel     text,
    outcome     text             not null,
    outcome_at  timestamptz      not null,
    send_millis double precision
);
create index push_message_tenant on push_message (tenant_id);
