-- Remote calls (kefu-common, io.kefu.common.remote): work for a third party (WeChat, SMS, email, an
-- LLM...) enqueued in the caller's transaction and carried out after commit, outside any transaction.
-- Every service runs this in its own schema, so no statement names a schema.
--
-- status: pending (due at next_attempt_at) -> calling (claimed until lease_until by claim_token)
--         -> done | failed | unknown (the call was made or may have been, but its outcome was lost:
--         not resent unless the kind says its provider is idempotent).
create table kefu_remote_call (
    id              uuid          primary key,
    kind            varchar(100)  not null,
    call_key        varchar(200)  not null,
    payload         jsonb         not null,
    status          varchar(16)   not null,
    attempts        integer       not null default 0,
    next_attempt_at timestamptz   not null,
    lease_until     timestamptz,
    claim_token     uuid,
    claimed_by      varchar(200),
    outcome_code    varchar(64),
    outcome_detail  varchar(1000),
    created_at      timestamptz   not null,
    updated_at      timestamptz   not null,
    finished_at     timestamptz,
    constraint kefu_remote_call_status check (status in ('pending', 'calling', 'done', 'failed', 'unknown')),
    -- One call per piece of work: enqueueing the same key again (a redelivered event) adds nothing.
    constraint kefu_remote_call_key unique (kind, call_key)
);
-- The sweep reads only what is due or whose lease ran out; the partial indexes stay small.
create index kefu_remote_call_due on kefu_remote_call (next_attempt_at) where status = 'pending';
create index kefu_remote_call_leased on kefu_remote_call (lease_until) where status = 'calling';
create index kefu_remote_call_finished on kefu_remote_call (finished_at) where finished_at is not null;
