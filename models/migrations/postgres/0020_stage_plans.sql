-- Stage sequences as data (issue 16 item 6) (PostgreSQL version of
-- migrations/0020_stage_plans.sql). stage_plan stays TEXT: NULL keeps the
-- default stages and the code reads it as a string.
ALTER TABLE item_departments ADD COLUMN stage_plan TEXT;

ALTER TABLE application_tasks ADD COLUMN step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE application_tasks ADD COLUMN stage_name TEXT NOT NULL DEFAULT '';
ALTER TABLE application_tasks ADD COLUMN stage_due TEXT NOT NULL DEFAULT '';
