-- Ingestion writes fewer index entries (issue 14). Each index below holds only the rows the queries using it can
-- match (each of those queries compares the column with = or a range, which excludes null): a conversation stats knows
-- no customer of (routing's or kb-ai's events before chat's) is not in the customer index, one without an AI request
-- not in the AI one, and a push or ticket observation (no conversation) not in measurement_conversation.
drop index conversation_customer;
create index conversation_customer on conversation (tenant_id, customer_id, opened_at) where customer_id is not null;
drop index conversation_ai;
create index conversation_ai on conversation (tenant_id, ai_requested_at) where ai_requested_at is not null;
drop index measurement_conversation;
create index measurement_conversation on measurement (conversation_id) where conversation_id is not null;

-- Rows later events update (a conversation's assignment, end and rating; a ticket's resolution; a push message's later
-- outcome) keep room on their page, so such an update can stay on the page without new index entries (HOT).
alter table conversation set (fillfactor = 80);
alter table ticket set (fillfactor = 80);
alter table push_message set (fillfactor = 80);
