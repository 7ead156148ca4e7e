-- A staff member's WeCom userid: their messages to the tenant's WeCom app are staff commands
-- (#转接工程师, #问题已解决, ...) that routing and ticket attribute to this account.
alter table account add column wecom_user_id varchar(64);
create unique index account_wecom_user_uk on account (tenant_id, wecom_user_id) where wecom_user_id is not null;
