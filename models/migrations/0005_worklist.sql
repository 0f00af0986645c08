-- Work lists read open tasks only (stages review and decide), ordered by the
-- promised deadline. Partial indexes keep them small however many closed
-- tasks accumulate: one per department for a reviewer's or approver's list,
-- one across departments for the supervisor and the window. Stage and claim
-- are in the index so that the "decide only" and "claimed by me" filters are
-- answered from it without reading the task rows.

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
