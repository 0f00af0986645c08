-- Work lists read open tasks only (stages review and decide), ordered by the
-- promised deadline. Partial indexes keep them small however many closed
-- tasks accumulate: one per department for a reviewer's or approver's list,
-- one across departments for the supervisor and the window.

CREATE INDEX idx_application_tasks_open_dept
    ON application_tasks (department_code, promised_deadline, application_id)
    WHERE stage IN ('review', 'decide');

CREATE INDEX idx_application_tasks_open
    ON application_tasks (promised_deadline, application_id)
    WHERE stage IN ('review', 'decide');
