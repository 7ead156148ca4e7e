-- Kefu executors and jobs for XXL-JOB admin 3.x (MySQL, database of the admin, e.g. `xxl_job`).
-- Run AFTER the admin's own schema (tables_xxl_job.sql from the XXL-JOB distribution).
-- Re-runnable: each row is inserted only if it is not there yet (matched by app_name / handler).
--
-- Cron: XXL-JOB parses Quartz-style cron, which needs '?' in day-of-month or day-of-week, so the
-- services' default `0 17 3 * * *` (Spring syntax) is written here as `0 17 3 * * ?` (same
-- schedule: every day at 03:17:00, admin time zone). trigger_next_time is left at its default 0;
-- the admin computes the next fire time on its first scheduling pass.

-- The database tables_xxl_job.sql creates; change it if yours differs.
USE xxl_job;

-- ---------- executor groups: one per servlet service, appname = service name ----------
-- address_type 0 = automatic registration (executors register their pod IP:port themselves).
-- title is at most 12 characters in XXL-JOB 3.0-3.3 (varchar(12)).
INSERT INTO xxl_job_group (app_name, title, address_type, address_list, update_time)
SELECT 'auth-service', 'Kefu auth', 0, NULL, NOW()
FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM xxl_job_group WHERE app_name = 'auth-service');
INSERT INTO xxl_job_group (app_name, title, address_type, address_list, update_time)
SELECT 'chat-service', 'Kefu chat', 0, NULL, NOW()
FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM xxl_job_group WHERE app_name = 'chat-service');
INSERT INTO xxl_job_group (app_name, title, address_type, address_list, update_time)
SELECT 'routing-service', 'Kefu routing', 0, NULL, NOW()
FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM xxl_job_group WHERE app_name = 'routing-service');
INSERT INTO xxl_job_group (app_name, title, address_type, address_list, update_time)
SELECT 'push-service', 'Kefu push', 0, NULL, NOW()
FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM xxl_job_group WHERE app_name = 'push-service');
INSERT INTO xxl_job_group (app_name, title, address_type, address_list, update_time)
SELECT 'ticket-service', 'Kefu ticket', 0, NULL, NOW()
FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM xxl_job_group WHERE app_name = 'ticket-service');
INSERT INTO xxl_job_group (app_name, title, address_type, address_list, update_time)
SELECT 'kb-ai-service', 'Kefu kb-ai', 0, NULL, NOW()
FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM xxl_job_group WHERE app_name = 'kb-ai-service');
INSERT INTO xxl_job_group (app_name, title, address_type, address_list, update_time)
SELECT 'stats-service', 'Kefu stats', 0, NULL, NOW()
FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM xxl_job_group WHERE app_name = 'stats-service');

-- ---------- jobs: outbox-housekeeping per executor ----------
-- Deletes published outbox rows and old inbox ids (older than kefu.events.outbox-retention).
-- Idempotent, so FIRST routing + SERIAL_EXECUTION + DO_NOTHING on misfire are safe.
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'auth-service outbox housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'auth-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'chat-service outbox housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'chat-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'routing-service outbox housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'routing-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'push-service outbox housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'push-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'ticket-service outbox housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'ticket-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'kb-ai-service outbox housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'kb-ai-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'stats-service outbox housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'stats-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');

-- ---------- jobs: ticket-service ----------
-- Each handler is idempotent and safe on several instances (conditional updates, skip-locked claims).
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'ticket-service licence statuses and renewal alerts (daily)', NOW(), NOW(), 'kefu', '',
       'CRON', '0 10 1 * * ?', 'DO_NOTHING', 'FIRST',
       'ticket-client-expiry', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'ticket-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'ticket-client-expiry');
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'ticket-service SLA breaches (escalate, notify)', NOW(), NOW(), 'kefu', '',
       'CRON', '0 * * * * ?', 'DO_NOTHING', 'FIRST',
       'ticket-sla-check', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'ticket-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'ticket-sla-check');
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'ticket-service close resolved tickets after the quiet period', NOW(), NOW(), 'kefu', '',
       'CRON', '0 40 * * * ?', 'DO_NOTHING', 'FIRST',
       'ticket-auto-close', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'ticket-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'ticket-auto-close');

-- ---------- chat-service: the sweep of its remote calls (deliveries to WeChat/WeCom) ----------
-- Makes due calls (retries), settles calls whose lease ran out with no outcome as lost (never resent),
-- deletes settled ones past kefu.remote-calls.retention. Safe on several instances; a run that is
-- still going when the next tick comes makes the next one skip (DISCARD_LATER).
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'chat-service remote-call sweep', NOW(), NOW(), 'kefu', '',
       'CRON', '*/10 * * * * ?', 'DO_NOTHING', 'FIRST',
       'remote-call-sweep', '', 'DISCARD_LATER', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'chat-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'remote-call-sweep');
