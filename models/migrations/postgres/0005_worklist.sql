-- Work lists read open tasks only (stages review and decide), ordered by the
-- promised deadline; partial indexes keep them small (PostgreSQL version of
-- migrations/0005_worklist.sql).

CREATE INDEX idx_application_tasks_open_dept
    ON application_tasks (department_code, promised_deadline, application_id, stage, claimed_by)
    WHERE stage IN ('review', 'decide');

CREATE INDEX idx_application_tasks_open
    ON application_tasks (promised_deadline, application_id, department_code, stage, claimed_by)
    WHERE stage IN ('review', 'decide');

-- The item filter of a work list starts from the item's open applications.
CREATE INDEX idx_applications_open_item
    ON applications (item_code)
    WHERE state IN ('accepted', 'in_review', 'suspended', 'supplement_required');
