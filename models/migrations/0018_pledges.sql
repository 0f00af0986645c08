-- 告知承诺制 and the per-item 容缺 period (issue 16 item 2).
-- An item may allow a written pledge (告知承诺) in place of the proofs other
-- bodies issue; the pledge text and the working days within which the
-- department checks (核查) the pledge after its decision are the item's,
-- versioned with it. NULL days are unknown: the 容缺 period then is the
-- default, and a pledge item must say its check period.
ALTER TABLE items ADD COLUMN pledge_allowed    BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN pledge_text       TEXT    NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN pledge_check_days INTEGER;
ALTER TABLE items ADD COLUMN pending_days      INTEGER;

-- The materials (proofs) an item's pledge may replace, marked one by one.
ALTER TABLE materials ADD COLUMN pledge_replaces BOOLEAN NOT NULL DEFAULT 0;

-- A material the pledge replaces is neither received nor missing.
ALTER TABLE application_materials ADD COLUMN pledged BOOLEAN NOT NULL DEFAULT 0;

-- One pledge per application: what the applicant pledged (the text as the
-- item version had it, and its SHA-256), when, through which channel, when
-- the signed pledge was received (online: when ticked), and the check after
-- the decision (state '' until the decision; open → passed | failed).
CREATE TABLE application_pledges (
    id              INTEGER  PRIMARY KEY,
    application_id  INTEGER  NOT NULL UNIQUE REFERENCES applications (id),
    number          TEXT     NOT NULL UNIQUE,
    item_name       TEXT     NOT NULL,
    item_version    INTEGER  NOT NULL,
    department_code TEXT     NOT NULL,
    channel         TEXT     NOT NULL CHECK (channel IN ('online', 'window')),
    text            TEXT     NOT NULL,
    text_sha256     TEXT     NOT NULL,
    check_days      INTEGER  NOT NULL,
    pledged_at      DATETIME NOT NULL,
    signed_at       DATETIME,
    signed_by       TEXT     NOT NULL DEFAULT '',
    decided_on      TEXT     NOT NULL DEFAULT '',
    check_due       TEXT     NOT NULL DEFAULT '',
    check_state     TEXT     NOT NULL DEFAULT '' CHECK (check_state IN ('', 'open', 'passed', 'failed')),
    checked_at      DATETIME,
    checked_by      TEXT     NOT NULL DEFAULT '',
    findings        TEXT     NOT NULL DEFAULT '',
    version         INTEGER  NOT NULL DEFAULT 1
);
CREATE INDEX idx_application_pledges_check ON application_pledges (check_state, check_due);
