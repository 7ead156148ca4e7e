-- Every customer message updates its route's last_customer_at (and clears warned_at). route_activity held
-- last_customer_at, so each of those updates wrote new entries in the indexes (never HOT, issue 15). The jobs
-- that used it (inactivity warning, auto-close, cleanup) read only open routes, as many as open conversations: an
-- index of those alone, on columns a message never changes, serves them (and cleanup's status <> 'closed' too,
-- which route_activity could not), and leaves the per-message update HOT.
drop index route_activity;
create index route_open on route (status) where status <> 'closed';

-- Room on each page for those updates to stay on it (HOT); applies to pages written from now on.
alter table route set (fillfactor = 85);
