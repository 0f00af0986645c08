-- Supervision: 办件公示 (the public list of handled applications) and 好差评
-- (one evaluation per application, five levels) with the rectification case a
-- 差评 (levels 1-2) opens for the department.

-- The public list reads handled applications (decided or completed) by the
-- day the clock ended, newest first, optionally of one department or item.
-- Partial indexes keep it narrow however many open applications there are;
-- the list's queries repeat the state condition word for word so that the
-- planner can use them.
CREATE INDEX idx_applications_handled
    ON applications (ended_on, id)
    WHERE state IN ('approved', 'denied', 'completed');
CREATE INDEX idx_applications_handled_dept
    ON applications (department_code, ended_on, id)
    WHERE state IN ('approved', 'denied', 'completed');
CREATE INDEX idx_applications_handled_item
    ON applications (item_code, ended_on, id)
    WHERE state IN ('approved', 'denied', 'completed');

-- The window's evaluation tablet shows the clerk's latest application.
CREATE INDEX idx_application_events_actor ON application_events (actor, id);

CREATE TABLE evaluations (
    id              INTEGER  PRIMARY KEY,
    application_id  INTEGER  NOT NULL UNIQUE REFERENCES applications (id), -- one rating per application
    number          TEXT     NOT NULL,
    item_code       TEXT     NOT NULL,
    item_name       TEXT     NOT NULL,
    department_code TEXT     NOT NULL,
    source          TEXT     NOT NULL CHECK (source IN ('online', 'window')),
    clerk           TEXT     NOT NULL DEFAULT '', -- the window clerk whose tablet took it
    level           INTEGER  NOT NULL CHECK (level BETWEEN 1 AND 5),
    tags            TEXT     NOT NULL DEFAULT '[]',
    comment         TEXT     NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL
);
CREATE INDEX idx_evaluations_department ON evaluations (department_code, level);
CREATE INDEX idx_evaluations_item ON evaluations (item_code, level);
CREATE INDEX idx_evaluations_level ON evaluations (level, id);

CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations
BEGIN
    SELECT RAISE(ABORT, 'evaluations are never changed');
END;
CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations
BEGIN
    SELECT RAISE(ABORT, 'evaluations are never deleted');
END;

-- A 差评's rectification case: 回访核实 (verified), reply to the applicant
-- (replied), rectification (rectified), closed with a note (closed).
CREATE TABLE rectification_cases (
    id              INTEGER  PRIMARY KEY,
    evaluation_id   INTEGER  NOT NULL UNIQUE REFERENCES evaluations (id),
    department_code TEXT     NOT NULL,
    state           TEXT     NOT NULL CHECK (state IN ('open', 'verified', 'replied', 'rectified', 'closed')),
    due_on          TEXT     NOT NULL, -- YYYY-MM-DD, the last working day to close it
    reply           TEXT     NOT NULL DEFAULT '', -- what the applicant is told
    closed_on       TEXT     NOT NULL DEFAULT '',
    version         INTEGER  NOT NULL,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX idx_rectification_cases_department ON rectification_cases (department_code, state, due_on);
CREATE INDEX idx_rectification_cases_state ON rectification_cases (state, due_on);

-- Every step of a case, append-only.
CREATE TABLE rectification_steps (
    id       INTEGER  PRIMARY KEY,
    case_id  INTEGER  NOT NULL REFERENCES rectification_cases (id),
    seq      INTEGER  NOT NULL,
    step     TEXT     NOT NULL CHECK (step IN ('open', 'verify', 'reply', 'rectify', 'close')),
    actor    TEXT     NOT NULL,
    note     TEXT     NOT NULL DEFAULT '',
    at       DATETIME NOT NULL,
    UNIQUE (case_id, seq)
);
CREATE TRIGGER rectification_steps_no_update BEFORE UPDATE ON rectification_steps
BEGIN
    SELECT RAISE(ABORT, 'rectification_steps is append-only');
END;
CREATE TRIGGER rectification_steps_no_delete BEFORE DELETE ON rectification_steps
BEGIN
    SELECT RAISE(ABORT, 'rectification_steps is append-only');
END;
