-- push-service's job handlers (@XxlJob in dispatch/DispatchJobs and receipt/ReceiptJobs), same shape as 2-kefu-jobs.sql.
-- Each handler claims its rows with FOR UPDATE SKIP LOCKED, so FIRST routing + SERIAL_EXECUTION + DO_NOTHING are safe.
-- Safe to run again: existing rows are left alone.
USE xxl_job;

INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'push-service retries, held and lost messages back onto the dispatch queues', NOW(), NOW(), 'kefu', '',
       'CRON', '* * * * * ?', 'DO_NOTHING', 'FIRST',
       'push-dispatch-due', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'push-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'push-dispatch-due');
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'push-service messages whose send lease expired become unknown', NOW(), NOW(), 'kefu', '',
       'CRON', '*/15 * * * * ?', 'DO_NOTHING', 'FIRST',
       'push-lease-expiry', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'push-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'push-lease-expiry');
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'push-service provider receipts applied to messages', NOW(), NOW(), 'kefu', '',
       'CRON', '*/5 * * * * ?', 'DO_NOTHING', 'FIRST',
       'push-receipt-processing', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'push-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'push-receipt-processing');
INSERT INTO xxl_job_info (job_group, job_desc, add_time, update_time, author, alarm_email,
                          schedule_type, schedule_conf, misfire_strategy, executor_route_strategy,
                          executor_handler, executor_param, executor_block_strategy, executor_timeout,
                          executor_fail_retry_count, glue_type, glue_source, glue_remark, glue_updatetime,
                          child_jobid, trigger_status)
SELECT g.id, 'push-service messages and traces older than 7 days deleted', NOW(), NOW(), 'kefu', '',
       'CRON', '0 23 3 * * ?', 'DO_NOTHING', 'FIRST',
       'push-retention-cleanup', '', 'SERIAL_EXECUTION', 0,
       0, 'BEAN', '', 'GLUE code init', NOW(),
       '', 1
FROM xxl_job_group g
WHERE g.app_name = 'push-service'
  AND NOT EXISTS (SELECT 1 FROM xxl_job_info i
                  WHERE i.job_group = g.id AND i.executor_handler = 'push-retention-cleanup');
