-- 一件事一次办 bundles (DESIGN §8): a bundle names several items (often of
-- several departments); the applicant answers one merged form and hands in
-- one merged materials list, gets one number and query code, and one child
-- application per item goes to its department at once. The window accepts,
-- returns and issues the bundle as a whole.

-- The bundles catalogue administrators edit. definition is JSON: the item
-- codes in order and the field mapping ({"items":[...],"mapping":[{"item",
-- "field","merged"}]}). version counts the edits.
CREATE TABLE bundles (
    id          INTEGER  PRIMARY KEY,
    code        TEXT     NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
    name        TEXT     NOT NULL CHECK (length(trim(name)) > 0),
    name_en     TEXT     NOT NULL DEFAULT '',
    description TEXT     NOT NULL DEFAULT '',
    published   INTEGER  NOT NULL DEFAULT 0,
    version     INTEGER  NOT NULL,
    definition  TEXT     NOT NULL,
    updated_by  TEXT     NOT NULL,
    updated_at  DATETIME NOT NULL
);

-- Every change of a bundle, append-only, written in the same transaction as
-- the change; before_value and after_value hold the bundle as JSON ('' for
-- none).
CREATE TABLE bundle_changes (
    id           INTEGER  PRIMARY KEY,
    code         TEXT     NOT NULL,
    action       TEXT     NOT NULL CHECK (action IN ('create', 'edit')),
    version      INTEGER  NOT NULL,
    before_value TEXT     NOT NULL DEFAULT '',
    after_value  TEXT     NOT NULL,
    actor        TEXT     NOT NULL,
    reason       TEXT     NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL
);
CREATE INDEX idx_bundle_changes_code ON bundle_changes (code, id);

CREATE TRIGGER bundle_changes_no_update BEFORE UPDATE ON bundle_changes
BEGIN
    SELECT RAISE(ABORT, 'bundle_changes is append-only');
END;

CREATE TRIGGER bundle_changes_no_delete BEFORE DELETE ON bundle_changes
BEGIN
    SELECT RAISE(ABORT, 'bundle_changes is append-only');
END;

-- A bundle as filed: its items, mapping, merged form and materials list as
-- JSON; immutable and shared by every filing of the same bundle version.
CREATE TABLE bundle_definitions (
    id             INTEGER PRIMARY KEY,
    bundle_code    TEXT    NOT NULL,
    bundle_version INTEGER NOT NULL,
    sha256         TEXT    NOT NULL,
    definition     TEXT    NOT NULL,
    UNIQUE (bundle_code, bundle_version, sha256)
);

CREATE TRIGGER bundle_definitions_no_update BEFORE UPDATE OF definition ON bundle_definitions
BEGIN
    SELECT RAISE(ABORT, 'bundle definitions are immutable');
END;

-- One filing of a bundle. Its number comes from the same daily sequence as
-- the applications' (application_sequences), so numbers never collide.
-- definition_id is the bundle as filed; form the merged answers. state: submitted, supplement_required,
-- not_accepted, accepted, decided (every child decided; waits for 统一发证),
-- completed. result: '' until decided, approved when every child was
-- approved, denied when one was not.
CREATE TABLE bundle_filings (
    id                  INTEGER  PRIMARY KEY,
    number              TEXT     NOT NULL UNIQUE,
    query_code_hash     TEXT     NOT NULL,
    bundle_code         TEXT     NOT NULL,
    bundle_version      INTEGER  NOT NULL,
    bundle_name         TEXT     NOT NULL,
    definition_id       INTEGER  NOT NULL REFERENCES bundle_definitions (id),
    applicant_id        INTEGER  NOT NULL REFERENCES applicants (id),
    applicant_kind      TEXT     NOT NULL,
    applicant_name      TEXT     NOT NULL,
    applicant_id_number TEXT     NOT NULL,
    channel             TEXT     NOT NULL CHECK (channel IN ('online', 'window')),
    form                TEXT     NOT NULL DEFAULT '{}',
    state               TEXT     NOT NULL CHECK (state IN ('submitted', 'supplement_required', 'not_accepted',
                                                           'accepted', 'decided', 'completed')),
    result              TEXT     NOT NULL DEFAULT '' CHECK (result IN ('', 'approved', 'denied')),
    version             INTEGER  NOT NULL,
    event_count         INTEGER  NOT NULL DEFAULT 0,
    last_hash           TEXT     NOT NULL DEFAULT '',
    submitted_at        DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL,
    created_by          TEXT     NOT NULL DEFAULT ''
);
CREATE INDEX idx_bundle_filings_state ON bundle_filings (state, id);
CREATE INDEX idx_bundle_filings_applicant ON bundle_filings (applicant_id_number, submitted_at);

CREATE TRIGGER bundle_filings_no_delete BEFORE DELETE ON bundle_filings
BEGIN
    SELECT RAISE(ABORT, 'bundle filings are never deleted');
END;

-- The bundle filing's own history, append-only and hash-chained like an
-- application's events; each child keeps its own events as well.
CREATE TABLE bundle_events (
    id         INTEGER  PRIMARY KEY,
    filing_id  INTEGER  NOT NULL REFERENCES bundle_filings (id),
    seq        INTEGER  NOT NULL,
    at         DATETIME NOT NULL,
    actor      TEXT     NOT NULL,
    role       TEXT     NOT NULL DEFAULT '',
    action     TEXT     NOT NULL,
    from_state TEXT     NOT NULL,
    to_state   TEXT     NOT NULL,
    comment    TEXT     NOT NULL DEFAULT '',
    detail     TEXT     NOT NULL DEFAULT '{}',
    prev_hash  TEXT     NOT NULL,
    hash       TEXT     NOT NULL,
    UNIQUE (filing_id, seq)
);

CREATE TRIGGER bundle_events_no_update BEFORE UPDATE ON bundle_events
BEGIN
    SELECT RAISE(ABORT, 'bundle_events is append-only');
END;

CREATE TRIGGER bundle_events_no_delete BEFORE DELETE ON bundle_events
BEGIN
    SELECT RAISE(ABORT, 'bundle_events is append-only');
END;

-- A child application names its bundle filing; 0 for an application of its own.
ALTER TABLE applications ADD COLUMN bundle_filing_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_applications_bundle ON applications (bundle_filing_id, state);
