-- GENERATED from the code by deploy's XxlJobRegistrationTest: do not edit by hand.
-- Source of truth: each service's @XxlJob handlers and its kefu.jobs.local.<handler>.cron (route, block,
-- param) in application.yml (common's jobs: kefu-common-defaults.properties). After changing either, run
--   make xxl-job-sql
-- and commit this file. See deploy/README.md, "Adding a job".
--
-- For XXL-JOB admin 3.x (MySQL, database of the admin, e.g. `xxl_job`). Run AFTER the admin's own schema
-- (tables_xxl_job.sql from the XXL-JOB distribution). Re-runnable: a row is inserted only if it is not there
-- yet (matched by app_name / handler); an existing job keeps its schedule (change it in the admin, or delete
-- the row and run this again).
--
-- Cron: the admin reads Quartz cron, which needs '?' in day-of-month or day-of-week, so Spring's
-- `0 17 3 * * *` is written `0 17 3 * * ?` (same schedule). Crons are in the business time zone,
-- Asia/Shanghai: the admin must run with TZ=Asia/Shanghai (docker-compose.yml does), as the services'
-- local schedules do (kefu.jobs.zone). trigger_next_time is left at 0; the admin computes it.

USE xxl_job;

-- ---------- executor groups: one per service with an executor, appname = service name ----------
-- address_type 0 = automatic registration. title is at most 12 characters in XXL-JOB 3.0-3.3.
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

-- ---------- jobs: one per handler and executor ----------
-- misfire DO_NOTHING: a missed tick is not made up (every job catches up on its next run).
-- job auth-service jwt-key-rotation cron '0 7 * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'auth-service jwt-key-rotation', NOW(), NOW(), 'kefu', '',
       'CRON', '0 7 * * * ?', 'DO_NOTHING', 'FIRST',
       'jwt-key-rotation', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'auth-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'jwt-key-rotation');
-- job auth-service outbox-housekeeping cron '0 17 3 * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'auth-service outbox-housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'auth-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
-- job auth-service remote-call-sweep cron '*/10 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'auth-service remote-call-sweep', NOW(), NOW(), 'kefu', '',
       'CRON', '*/10 * * * * ?', 'DO_NOTHING', 'FIRST',
       'remote-call-sweep', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'auth-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'remote-call-sweep');
-- job chat-service channel-inbound-retry cron '30 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'chat-service channel-inbound-retry', NOW(), NOW(), 'kefu', '',
       'CRON', '30 * * * * ?', 'DO_NOTHING', 'FIRST',
       'channel-inbound-retry', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'chat-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'channel-inbound-retry');
-- job chat-service outbox-housekeeping cron '0 17 3 * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'chat-service outbox-housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'chat-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
-- job chat-service presence-purge cron '0 47 * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'chat-service presence-purge', NOW(), NOW(), 'kefu', '',
       'CRON', '0 47 * * * ?', 'DO_NOTHING', 'FIRST',
       'presence-purge', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'chat-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'presence-purge');
-- job chat-service remote-call-sweep cron '*/10 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'chat-service remote-call-sweep', NOW(), NOW(), 'kefu', '',
       'CRON', '*/10 * * * * ?', 'DO_NOTHING', 'FIRST',
       'remote-call-sweep', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'chat-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'remote-call-sweep');
-- job chat-service upload-orphan-sweep cron '0 23 * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'chat-service upload-orphan-sweep', NOW(), NOW(), 'kefu', '',
       'CRON', '0 23 * * * ?', 'DO_NOTHING', 'FIRST',
       'upload-orphan-sweep', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'chat-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'upload-orphan-sweep');
-- job routing-service outbox-housekeeping cron '0 17 3 * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'routing-service outbox-housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'routing-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
-- job routing-service remote-call-sweep cron '*/10 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'routing-service remote-call-sweep', NOW(), NOW(), 'kefu', '',
       'CRON', '*/10 * * * * ?', 'DO_NOTHING', 'FIRST',
       'remote-call-sweep', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'routing-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'remote-call-sweep');
-- job routing-service routing-auto-close cron '15,45 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'routing-service routing-auto-close', NOW(), NOW(), 'kefu', '',
       'CRON', '15,45 * * * * ?', 'DO_NOTHING', 'FIRST',
       'routing-auto-close', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'routing-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'routing-auto-close');
-- job routing-service routing-inactive-cleanup cron '0 */10 * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'routing-service routing-inactive-cleanup', NOW(), NOW(), 'kefu', '',
       'CRON', '0 */10 * * * ?', 'DO_NOTHING', 'FIRST',
       'routing-inactive-cleanup', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'routing-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'routing-inactive-cleanup');
-- job routing-service routing-inactivity-warning cron '*/30 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'routing-service routing-inactivity-warning', NOW(), NOW(), 'kefu', '',
       'CRON', '*/30 * * * * ?', 'DO_NOTHING', 'FIRST',
       'routing-inactivity-warning', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'routing-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'routing-inactivity-warning');
-- job routing-service routing-presence-sweep cron '*/15 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'routing-service routing-presence-sweep', NOW(), NOW(), 'kefu', '',
       'CRON', '*/15 * * * * ?', 'DO_NOTHING', 'FIRST',
       'routing-presence-sweep', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'routing-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'routing-presence-sweep');
-- job routing-service routing-queue-sweep cron '*/10 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'routing-service routing-queue-sweep', NOW(), NOW(), 'kefu', '',
       'CRON', '*/10 * * * * ?', 'DO_NOTHING', 'FIRST',
       'routing-queue-sweep', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'routing-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'routing-queue-sweep');
-- job push-service outbox-housekeeping cron '0 17 3 * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'push-service outbox-housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'push-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
-- job push-service push-dispatch-due cron '* * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'push-service push-dispatch-due', NOW(), NOW(), 'kefu', '',
       'CRON', '* * * * * ?', 'DO_NOTHING', 'FIRST',
       'push-dispatch-due', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'push-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'push-dispatch-due');
-- job push-service push-lease-expiry cron '*/15 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'push-service push-lease-expiry', NOW(), NOW(), 'kefu', '',
       'CRON', '*/15 * * * * ?', 'DO_NOTHING', 'FIRST',
       'push-lease-expiry', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'push-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'push-lease-expiry');
-- job push-service push-receipt-processing cron '*/5 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'push-service push-receipt-processing', NOW(), NOW(), 'kefu', '',
       'CRON', '*/5 * * * * ?', 'DO_NOTHING', 'FIRST',
       'push-receipt-processing', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'push-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'push-receipt-processing');
-- job push-service push-retention-cleanup cron '0 23 3 * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'push-service push-retention-cleanup', NOW(), NOW(), 'kefu', '',
       'CRON', '0 23 3 * * ?', 'DO_NOTHING', 'FIRST',
       'push-retention-cleanup', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'push-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'push-retention-cleanup');
-- job push-service remote-call-sweep cron '*/10 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'push-service remote-call-sweep', NOW(), NOW(), 'kefu', '',
       'CRON', '*/10 * * * * ?', 'DO_NOTHING', 'FIRST',
       'remote-call-sweep', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'push-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'remote-call-sweep');
-- job ticket-service outbox-housekeeping cron '0 17 3 * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'ticket-service outbox-housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'ticket-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
-- job ticket-service remote-call-sweep cron '*/10 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'ticket-service remote-call-sweep', NOW(), NOW(), 'kefu', '',
       'CRON', '*/10 * * * * ?', 'DO_NOTHING', 'FIRST',
       'remote-call-sweep', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'ticket-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'remote-call-sweep');
-- job ticket-service ticket-auto-close cron '0 40 * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'ticket-service ticket-auto-close', NOW(), NOW(), 'kefu', '',
       'CRON', '0 40 * * * ?', 'DO_NOTHING', 'FIRST',
       'ticket-auto-close', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'ticket-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'ticket-auto-close');
-- job ticket-service ticket-client-expiry cron '0 10 1 * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'ticket-service ticket-client-expiry', NOW(), NOW(), 'kefu', '',
       'CRON', '0 10 1 * * ?', 'DO_NOTHING', 'FIRST',
       'ticket-client-expiry', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'ticket-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'ticket-client-expiry');
-- job ticket-service ticket-count-fold cron '30 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'ticket-service ticket-count-fold', NOW(), NOW(), 'kefu', '',
       'CRON', '30 * * * * ?', 'DO_NOTHING', 'FIRST',
       'ticket-count-fold', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'ticket-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'ticket-count-fold');
-- job ticket-service ticket-sla-check cron '0 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'ticket-service ticket-sla-check', NOW(), NOW(), 'kefu', '',
       'CRON', '0 * * * * ?', 'DO_NOTHING', 'FIRST',
       'ticket-sla-check', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'ticket-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'ticket-sla-check');
-- job kb-ai-service kb-answer-retry cron '*/30 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'kb-ai-service kb-answer-retry', NOW(), NOW(), 'kefu', '',
       'CRON', '*/30 * * * * ?', 'DO_NOTHING', 'FIRST',
       'kb-answer-retry', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'kb-ai-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'kb-answer-retry');
-- job kb-ai-service kb-review-timeout cron '*/20 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'kb-ai-service kb-review-timeout', NOW(), NOW(), 'kefu', '',
       'CRON', '*/20 * * * * ?', 'DO_NOTHING', 'FIRST',
       'kb-review-timeout', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'kb-ai-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'kb-review-timeout');
-- job kb-ai-service kb-transcript-trim cron '0 40 3 * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'kb-ai-service kb-transcript-trim', NOW(), NOW(), 'kefu', '',
       'CRON', '0 40 3 * * ?', 'DO_NOTHING', 'FIRST',
       'kb-transcript-trim', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'kb-ai-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'kb-transcript-trim');
-- job kb-ai-service outbox-housekeeping cron '0 17 3 * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'kb-ai-service outbox-housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'kb-ai-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
-- job kb-ai-service remote-call-sweep cron '*/10 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'kb-ai-service remote-call-sweep', NOW(), NOW(), 'kefu', '',
       'CRON', '*/10 * * * * ?', 'DO_NOTHING', 'FIRST',
       'remote-call-sweep', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'kb-ai-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'remote-call-sweep');
-- job stats-service outbox-housekeeping cron '0 17 3 * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'stats-service outbox-housekeeping', NOW(), NOW(), 'kefu', '',
       'CRON', '0 17 3 * * ?', 'DO_NOTHING', 'FIRST',
       'outbox-housekeeping', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'stats-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'outbox-housekeeping');
-- job stats-service remote-call-sweep cron '*/10 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'stats-service remote-call-sweep', NOW(), NOW(), 'kefu', '',
       'CRON', '*/10 * * * * ?', 'DO_NOTHING', 'FIRST',
       'remote-call-sweep', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'stats-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'remote-call-sweep');
-- job stats-service stats-alerts cron '30 * * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'stats-service stats-alerts', NOW(), NOW(), 'kefu', '',
       'CRON', '30 * * * * ?', 'DO_NOTHING', 'FIRST',
       'stats-alerts', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'stats-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'stats-alerts');
-- job stats-service stats-daily-close cron '0 5 * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'stats-service stats-daily-close', NOW(), NOW(), 'kefu', '',
       'CRON', '0 5 * * * ?', 'DO_NOTHING', 'FIRST',
       'stats-daily-close', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'stats-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'stats-daily-close');
-- job stats-service stats-daily-report cron '0 20 * * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'stats-service stats-daily-report', NOW(), NOW(), 'kefu', '',
       'CRON', '0 20 * * * ?', 'DO_NOTHING', 'FIRST',
       'stats-daily-report', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'stats-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'stats-daily-report');
-- job stats-service stats-retention-cleanup cron '0 40 3 * * ?' route FIRST block SERIAL_EXECUTION
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'stats-service stats-retention-cleanup', NOW(), NOW(), 'kefu', '',
       'CRON', '0 40 3 * * ?', 'DO_NOTHING', 'FIRST',
       'stats-retention-cleanup', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'stats-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'stats-retention-cleanup');
