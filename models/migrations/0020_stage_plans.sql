-- Stage sequences as data (issue 16 item 6). An item's workflow department
-- may list its own stages (name, role, optional share of the time limit) as
-- a JSON array; NULL keeps the default review and decide, so existing items
-- behave as before. An application keeps the list in its definition
-- snapshot; its task records where in the list it stands (step), the
-- stage's name for the work lists, and the stage's own due date when the
-- stage has a share of the limit ('' when it has none).
ALTER TABLE item_departments ADD COLUMN stage_plan TEXT;

ALTER TABLE application_tasks ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE application_tasks ADD COLUMN stage_name TEXT NOT NULL DEFAULT '';
ALTER TABLE application_tasks ADD COLUMN stage_due TEXT NOT NULL DEFAULT '';
