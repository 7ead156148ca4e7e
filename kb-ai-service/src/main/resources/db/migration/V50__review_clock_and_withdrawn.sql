-- The review time-out counts from review_from: the draft's creation, or — for a draft whose time ran out
-- while the tenant was closed (auth's business hours) — the next opening, when reviewers are back. Null =
-- created_at. A further status, withdrawn: the tenant was disabled in auth; its pending questions and
-- drafts leave the queue without a word to the customer (kb-ai answers nothing for a disabled tenant).
alter table ai_answer add column review_from timestamptz;
