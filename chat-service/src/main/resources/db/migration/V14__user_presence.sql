-- What chat last announced about each user's presence (chat.presence.changed.v1), written in the
-- transaction that puts the announcement in the outbox. Redis decides the transitions (first session
-- opened, last one gone) and numbers them; this row makes each transition announced at most once however
-- often it is retried, and never after a newer one: an "online" that commits after the "offline" that
-- followed it is dropped instead of leaving routing with a connected agent who is not.
create table user_presence (
    user_id     uuid         primary key,
    online      boolean      not null,
    -- The Redis transition this row reflects: increasing per user (Redis's clock in microseconds).
    version     bigint       not null,
    changed_at  timestamptz  not null
);
-- Offline rows are deleted after a day (job presence-purge); a transition is never retried that late.
create index user_presence_offline on user_presence (changed_at) where not online;
