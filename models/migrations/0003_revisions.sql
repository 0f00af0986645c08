-- Catalogue administration: the append-only change history of every item and
-- the pending drafts of changes that are not public yet.

-- One row per item version written by an administrator (create, edit,
-- disposition, publication, import). The snapshot is the whole item after
-- the change, so an application pinned to a version can read the guide it
-- was filed under.
CREATE TABLE item_revisions (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items (id) ON DELETE RESTRICT,
    item_code   TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('create', 'edit', 'dispose', 'publish', 'import')),
    reason      TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    legal_basis TEXT    NOT NULL DEFAULT '',
    diff        TEXT    NOT NULL DEFAULT '[]',
    snapshot    TEXT    NOT NULL,
    created_at  DATETIME NOT NULL,
    UNIQUE (item_code, version)
);
CREATE INDEX idx_item_revisions_item_id ON item_revisions (item_id);

CREATE TRIGGER item_revisions_no_update BEFORE UPDATE ON item_revisions
BEGIN
    SELECT RAISE(ABORT, 'item_revisions is append-only');
END;

CREATE TRIGGER item_revisions_no_delete BEFORE DELETE ON item_revisions
BEGIN
    SELECT RAISE(ABORT, 'item_revisions is append-only');
END;

-- At most one pending draft per item: the edited item as a snapshot, based on
-- the item version it was edited from. Publishing applies it and deletes it;
-- a draft whose base version is no longer the item's version is stale and
-- cannot be published.
CREATE TABLE item_drafts (
    item_code    TEXT     PRIMARY KEY REFERENCES items (code) ON DELETE CASCADE,
    base_version INTEGER  NOT NULL,
    snapshot     TEXT     NOT NULL,
    actor        TEXT     NOT NULL,
    reason       TEXT     NOT NULL,
    updated_at   DATETIME NOT NULL
);
