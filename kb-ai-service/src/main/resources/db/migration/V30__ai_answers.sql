-- kb-ai's first line (packages answer, llm, review): the tenant's AI settings, one answer per customer
-- question with its review, and the recent lines of each conversation the AI may need.

-- A tenant's model (any OpenAI-compatible endpoint) and what the low band does. The key is sealed
-- with the service's SecretCipher (KEFU_KBAI_SECRET_KEY), never stored in clear.
create table ai_setting (
    tenant_id      uuid primary key,
    base_url       varchar(500),
    model          varchar(200),
    api_key_sealed text,
    timeout_ms     integer      not null default 15000,
    low_band       varchar(16)  not null default 'review',
    version        bigint       not null default 1,
    updated_by     uuid,
    updated_at     timestamptz  not null
);

-- One row per customer question routed to the AI (routing.ai.requested.v1). status:
-- pending (claimed; the answer is being made, lease_until bounds the claim), sent (the customer has the
-- AI's answer), draft (waiting for a reviewer), handed_off (the human queue has it).
create table ai_answer (
    id                uuid primary key,
    tenant_id         uuid          not null,
    conversation_id   uuid          not null,
    customer_id       uuid          not null,
    message_id        uuid          not null unique,
    question          text          not null,
    status            varchar(16)   not null,
    attempts          integer       not null default 0,
    lease_until       timestamptz,
    band              varchar(16),
    score             double precision,
    kb_hit            boolean,
    intent            varchar(16),
    items             jsonb         not null default '[]'::jsonb,
    draft             text,
    answer            text,
    origin            varchar(16),
    model             varchar(200),
    input_tokens      integer,
    output_tokens     integer,
    handoff_reason    varchar(32),
    failure           text,
    channel           varchar(16),
    customer_wrote_at timestamptz   not null,
    created_at        timestamptz   not null,
    decided_at        timestamptz,
    claimed_by        uuid,
    claimed_until     timestamptz,
    verdict           varchar(24),
    reviewed_by       uuid,
    reviewed_at       timestamptz,
    saved_to_kb       varchar(16),
    version           bigint        not null default 1
);
create index ai_answer_pending on ai_answer (lease_until) where status = 'pending';
create index ai_answer_drafts on ai_answer (tenant_id, created_at) where status = 'draft';
create index ai_answer_tenant_day on ai_answer (tenant_id, created_at);
create index ai_answer_conversation on ai_answer (conversation_id, created_at);

-- The last lines of each conversation (chat.message.received/sent.v1), for the prompt and the reviewer;
-- trimmed by the answer jobs.
create table ai_transcript_line (
    message_id      uuid primary key,
    tenant_id       uuid         not null,
    conversation_id uuid         not null,
    sender_type     varchar(16)  not null,
    channel         varchar(16),
    content         text         not null,
    created_at      timestamptz  not null
);
create index ai_transcript_conversation on ai_transcript_line (conversation_id, created_at desc);
create index ai_transcript_age on ai_transcript_line (created_at);
