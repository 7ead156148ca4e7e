-- A tenant's business hours as auth publishes them (auth.tenant.configured.v1, the latest version kept):
-- the business-hours values of queue wait, FRT and resolution are computed with them.
create table tenant_hours (
    tenant_id      uuid primary key,
    business_hours text,
    version        bigint not null
);
