-- Application forms (DESIGN §8 "Forms"): each item version carries its form
-- schema (PostgreSQL version of migrations/0010_forms.sql). SQLite rebuilds
-- item_revisions to widen its action check; PostgreSQL replaces the check.

ALTER TABLE items ADD COLUMN form_schema TEXT NOT NULL DEFAULT '';

CREATE TABLE form_dictionaries (
    name       TEXT     PRIMARY KEY CHECK (length(trim(name)) > 0),
    label_zh   TEXT     NOT NULL DEFAULT '',
    label_en   TEXT     NOT NULL DEFAULT '',
    options    TEXT     NOT NULL CHECK (options <> '[]' AND options <> ''),
    updated_by TEXT     NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

ALTER TABLE item_revisions DROP CONSTRAINT item_revisions_action_check;
ALTER TABLE item_revisions ADD CONSTRAINT item_revisions_action_check
    CHECK (action IN ('create', 'edit', 'dispose', 'publish', 'import', 'form'));
