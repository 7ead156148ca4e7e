-- The agent's WeCom userid (from auth's staff events): their messages to the tenant's WeCom app are
-- staff commands. Not unique here: auth enforces that, and events moving a userid between two staff
-- members may arrive in either order.
alter table agent add column wecom_user_id varchar(64);
create index agent_wecom_user on agent (tenant_id, wecom_user_id) where wecom_user_id is not null;
