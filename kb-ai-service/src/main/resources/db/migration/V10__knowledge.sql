-- Knowledge items per tenant (kb-ai's knowledge package). V10–V19 are knowledge/retrieval's; other
-- kb-ai packages number their migrations from V20.
create table kb_item (
    id                 uuid primary key,
    tenant_id          uuid         not null,
    question           varchar(500) not null,
    -- the normalised question: a re-import of the same question updates the item
    question_key       varchar(500) not null,
    similar_questions  text[]       not null default '{}',
    answer             text         not null,
    category           varchar(64),
    keywords           text[]       not null default '{}',
    valid_from         timestamptz,
    valid_until        timestamptz,
    enabled            boolean      not null default true,
    -- bge-small-zh-v1.5 vectors of the question then each other phrasing: n x 512 float32, little-endian.
    -- Kept here so that an instance rebuilds its index at start without embedding everything again.
    embedding          bytea        not null,
    embedding_model    varchar(64)  not null,
    version            integer      not null default 0,
    created_by         uuid,
    created_at         timestamptz  not null,
    updated_by         uuid,
    updated_at         timestamptz  not null,
    constraint kb_item_question_unique unique (tenant_id, question_key)
);
create index kb_item_tenant_updated on kb_item (tenant_id, updated_at desc);

-- Every change of an item, in commit order: each instance's index follows this log (a deleted item
-- leaves only its line here). Lines older than a day are removed by the housekeeping job.
create table kb_item_change (
    seq        bigserial primary key,
    tenant_id  uuid        not null,
    item_id    uuid        not null,
    changed_at timestamptz not null default now()
);
