-- Applications (办件): applicants keyed by their identity number, the
-- application pinned to the item version it was filed under, its materials
-- checklist and uploaded files, the departments' tasks, the append-only
-- hash-chained events, the per-day number sequence and idempotency keys.

CREATE TABLE applicants (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('person', 'organisation')),
    id_kind    TEXT    NOT NULL CHECK (id_kind IN ('resident_id', 'credit_code')),
    id_number  TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    phone      TEXT    NOT NULL DEFAULT '',
    address    TEXT    NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE application_sequences (
    day  TEXT    PRIMARY KEY,  -- YYYYMMDD in the centre's time zone
    last INTEGER NOT NULL
);

-- The workflow definition and guide facts of an item version, as filed;
-- immutable and shared by every application filed under that version.
CREATE TABLE application_definitions (
    id           INTEGER PRIMARY KEY,
    item_code    TEXT    NOT NULL,
    item_version INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    definition   TEXT    NOT NULL,
    UNIQUE (item_code, item_version, sha256)
);

CREATE TRIGGER application_definitions_no_update BEFORE UPDATE OF definition ON application_definitions
BEGIN
    SELECT RAISE(ABORT, 'application definitions are immutable');
END;

CREATE TABLE applications (
    id                 INTEGER PRIMARY KEY,
    number             TEXT    NOT NULL UNIQUE,
    query_code_hash    TEXT    NOT NULL,
    item_code          TEXT    NOT NULL,
    item_version       INTEGER NOT NULL,
    item_name          TEXT    NOT NULL,
    department_code    TEXT    NOT NULL,
    definition_id      INTEGER NOT NULL REFERENCES application_definitions (id),
    joint              INTEGER NOT NULL DEFAULT 0,
    immediate          INTEGER NOT NULL DEFAULT 0,
    applicant_id       INTEGER NOT NULL REFERENCES applicants (id),
    applicant_kind     TEXT    NOT NULL,
    applicant_name     TEXT    NOT NULL,
    applicant_id_number TEXT   NOT NULL,
    applicant_phone    TEXT    NOT NULL DEFAULT '',
    channel            TEXT    NOT NULL CHECK (channel IN ('online', 'window')),
    form               TEXT    NOT NULL DEFAULT '{}',
    state              TEXT    NOT NULL,
    version            INTEGER NOT NULL,
    submitted_at       DATETIME NOT NULL,
    accepted_on        TEXT    NOT NULL DEFAULT '', -- YYYY-MM-DD, the clock's day 0
    statutory_days     INTEGER NOT NULL,
    promised_days      INTEGER NOT NULL,
    extended_days      INTEGER NOT NULL DEFAULT 0,
    stopped_days       INTEGER NOT NULL DEFAULT 0,
    stopped_since      TEXT    NOT NULL DEFAULT '',
    ended_on           TEXT    NOT NULL DEFAULT '',
    promised_deadline  TEXT    NOT NULL DEFAULT '', -- as last computed, for ordering work lists
    statutory_deadline TEXT    NOT NULL DEFAULT '',
    pending_due        TEXT    NOT NULL DEFAULT '', -- 容缺受理: the date the pending material is due
    result             TEXT    NOT NULL DEFAULT '' CHECK (result IN ('', 'approved', 'denied')),
    result_number      TEXT    NOT NULL DEFAULT '',
    delivery           TEXT    NOT NULL DEFAULT '',
    tracking_number    TEXT    NOT NULL DEFAULT '',
    created_by         TEXT    NOT NULL DEFAULT '',
    last_hash          TEXT    NOT NULL DEFAULT '',
    event_count        INTEGER NOT NULL DEFAULT 0,
    updated_at         DATETIME NOT NULL
);
CREATE INDEX idx_applications_applicant ON applications (applicant_id_number, submitted_at);
CREATE INDEX idx_applications_state ON applications (state, submitted_at);
CREATE INDEX idx_applications_department ON applications (department_code, state, promised_deadline);

CREATE TABLE application_materials (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    material_key   TEXT    NOT NULL,
    sort           INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    necessity      TEXT    NOT NULL,
    kind           TEXT    NOT NULL DEFAULT '',  -- what was checked: original, copy, both
    copies         INTEGER NOT NULL DEFAULT 0,
    provided       INTEGER NOT NULL DEFAULT 0,
    pending        INTEGER NOT NULL DEFAULT 0,   -- 容缺: accepted without it, due later
    UNIQUE (application_id, material_key)
);

CREATE TABLE application_files (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    material_key   TEXT    NOT NULL,
    sha256         TEXT    NOT NULL,             -- the content address under the data folder
    size           INTEGER NOT NULL,
    content_type   TEXT    NOT NULL,
    display_name   TEXT    NOT NULL DEFAULT '',  -- shown only, never used as a path
    uploaded_by    TEXT    NOT NULL,
    created_at     DATETIME NOT NULL
);
CREATE INDEX idx_application_files_app ON application_files (application_id);

CREATE TABLE application_tasks (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES applications (id),
    department_code TEXT    NOT NULL,
    sort            INTEGER NOT NULL,
    stages          TEXT    NOT NULL,            -- JSON list: review, decide
    stage           TEXT    NOT NULL,
    claimed_by      TEXT    NOT NULL DEFAULT '',
    decided_by      TEXT    NOT NULL DEFAULT '',
    decided_at      DATETIME,
    comment         TEXT    NOT NULL DEFAULT '',
    promised_deadline TEXT  NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    UNIQUE (application_id, department_code)
);
CREATE INDEX idx_application_tasks_worklist ON application_tasks (department_code, stage, promised_deadline, application_id);

CREATE TABLE application_events (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    seq            INTEGER NOT NULL,
    at             DATETIME NOT NULL,
    actor          TEXT    NOT NULL,
    role           TEXT    NOT NULL DEFAULT '',
    department     TEXT    NOT NULL DEFAULT '',
    action         TEXT    NOT NULL,
    from_state     TEXT    NOT NULL,
    to_state       TEXT    NOT NULL,
    comment        TEXT    NOT NULL DEFAULT '',
    detail         TEXT    NOT NULL DEFAULT '{}',
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL,
    UNIQUE (application_id, seq)
);

CREATE TRIGGER application_events_no_update BEFORE UPDATE ON application_events
BEGIN
    SELECT RAISE(ABORT, 'application_events is append-only');
END;

CREATE TRIGGER application_events_no_delete BEFORE DELETE ON application_events
BEGIN
    SELECT RAISE(ABORT, 'application_events is append-only');
END;

CREATE TRIGGER applications_no_delete BEFORE DELETE ON applications
BEGIN
    SELECT RAISE(ABORT, 'applications are never deleted');
END;

CREATE TABLE idempotency_keys (
    scope      TEXT    NOT NULL,   -- the caller: a user name, or the client for anonymous calls
    key        TEXT    NOT NULL,
    request    TEXT    NOT NULL,   -- SHA-256 of the request, to refuse a reused key
    number     TEXT    NOT NULL,
    query_code TEXT    NOT NULL DEFAULT '', -- kept only until the key expires, so a retry gets it again
    created_at DATETIME NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idx_idempotency_keys_created ON idempotency_keys (created_at);
