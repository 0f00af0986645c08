-- Blank forms (空白表格) and samples (示例样表) of an item's materials, uploaded
-- by catalogue administrators and served with the guide. The file itself is
-- in the content-addressed file store under its SHA-256; this table is the
-- append-only log of uploads and removals, one row each, so that every change
-- stays in the item's history. The attachment a guide shows for a material
-- and kind is the latest row for it, when that row is an upload.
-- Materials are keyed by their stable key: the rows of the materials table
-- are rewritten with every item version, the key is not.
CREATE TABLE material_attachments (
    id            INTEGER PRIMARY KEY,
    item_code     TEXT     NOT NULL REFERENCES items (code) ON DELETE RESTRICT,
    material_key  TEXT     NOT NULL,
    material_name TEXT     NOT NULL DEFAULT '', -- the material's name when the change was made
    kind          TEXT     NOT NULL CHECK (kind IN ('blank', 'sample')),
    action        TEXT     NOT NULL CHECK (action IN ('upload', 'remove')),
    sha256        TEXT     NOT NULL DEFAULT '' CHECK (action = 'remove' OR length(sha256) = 64),
    size          INTEGER  NOT NULL DEFAULT 0,
    content_type  TEXT     NOT NULL DEFAULT '',
    file_name     TEXT     NOT NULL DEFAULT '',
    actor         TEXT     NOT NULL,
    created_at    DATETIME NOT NULL
);
CREATE INDEX idx_material_attachments_item ON material_attachments (item_code, id);

CREATE TRIGGER material_attachments_no_update BEFORE UPDATE ON material_attachments
BEGIN
    SELECT RAISE(ABORT, 'material_attachments is append-only');
END;

CREATE TRIGGER material_attachments_no_delete BEFORE DELETE ON material_attachments
BEGIN
    SELECT RAISE(ABORT, 'material_attachments is append-only');
END;
