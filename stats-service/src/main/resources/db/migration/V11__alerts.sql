-- Alert incidents: one row per incident (rule x tenant x subject while open), notified once.
create table alert_incident (
    id           uuid primary key,
    tenant_id    uuid,
    rule         text        not null,
    subject      text        not null,
    detail       text        not null,
    opened_at    timestamptz not null,
    closed_at    timestamptz,
    notify_state text        not null default 'pending', -- pending, sending (claimed, lease), sent, failed, unknown
    claimed_at   timestamptz,
    attempts     int         not null default 0,
    notified_at  timestamptz
);
create unique index alert_incident_open on alert_incident (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), rule, subject)
    where closed_at is null;
