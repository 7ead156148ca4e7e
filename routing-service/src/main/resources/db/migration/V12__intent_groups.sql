-- The tenant's intent → group mapping: a conversation kb-ai hands over joins the group of its intent
-- (presale, aftersale, complaint, human, other); an intent not in the map keeps the conversation's group.
alter table routing_rule add column intent_groups jsonb not null default '{}'::jsonb;
