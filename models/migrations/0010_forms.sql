-- migrate: foreign_keys off
-- Application forms (DESIGN §8 "Forms"): each item version carries its form
-- schema; a filing keeps the form it answered in its application definition.

-- The item's own form as JSON (a form.Schema); '' means the default form
-- built from the item's name and service objects. Part of the item's
-- version: a change is a new version with a revision, like any guide field.
ALTER TABLE items ADD COLUMN form_schema TEXT NOT NULL DEFAULT '';

-- Named option lists fields may refer to (主体业态, 经营项目, 民族, 学历 …):
-- data that catalogue administrators edit. options is a JSON array of
-- {"value","label":{"zh","en"}}, never empty.
CREATE TABLE form_dictionaries (
    name       TEXT     PRIMARY KEY CHECK (length(trim(name)) > 0),
    label_zh   TEXT     NOT NULL DEFAULT '',
    label_en   TEXT     NOT NULL DEFAULT '',
    options    TEXT     NOT NULL CHECK (options <> '[]' AND options <> ''),
    updated_by TEXT     NOT NULL,
    updated_at DATETIME NOT NULL
);

-- A change of the form is an item version of its own (revision action
-- "form"); SQLite cannot alter a CHECK, so the append-only revisions table
-- is rebuilt with the new action allowed and its rows, index and triggers
-- kept.
CREATE TABLE item_revisions_new (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items (id) ON DELETE RESTRICT,
    item_code   TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('create', 'edit', 'dispose', 'publish', 'import', 'form')),
    reason      TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    legal_basis TEXT    NOT NULL DEFAULT '',
    diff        TEXT    NOT NULL DEFAULT '[]',
    snapshot    TEXT    NOT NULL,
    created_at  DATETIME NOT NULL,
    UNIQUE (item_code, version)
);
INSERT INTO item_revisions_new (id, item_id, item_code, version, actor, action, reason, legal_basis, diff, snapshot, created_at)
    SELECT id, item_id, item_code, version, actor, action, reason, legal_basis, diff, snapshot, created_at FROM item_revisions;
DROP TABLE item_revisions;
ALTER TABLE item_revisions_new RENAME TO item_revisions;
CREATE INDEX idx_item_revisions_item_id ON item_revisions (item_id);

CREATE TRIGGER item_revisions_no_update BEFORE UPDATE ON item_revisions
BEGIN
    SELECT RAISE(ABORT, 'item_revisions is append-only');
END;

CREATE TRIGGER item_revisions_no_delete BEFORE DELETE ON item_revisions
BEGIN
    SELECT RAISE(ABORT, 'item_revisions is append-only');
END;
