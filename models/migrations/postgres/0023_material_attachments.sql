-- Blank forms (空白表格) and samples (示例样表) of an item's materials: the
-- PostgreSQL form of migrations/0023_material_attachments.sql (see there).
CREATE TABLE material_attachments (
    id            BIGSERIAL   PRIMARY KEY,
    item_code     TEXT        NOT NULL REFERENCES items (code) ON DELETE RESTRICT,
    material_key  TEXT        NOT NULL,
    material_name TEXT        NOT NULL DEFAULT '',
    kind          TEXT        NOT NULL CHECK (kind IN ('blank', 'sample')),
    action        TEXT        NOT NULL CHECK (action IN ('upload', 'remove')),
    sha256        TEXT        NOT NULL DEFAULT '' CHECK (action = 'remove' OR length(sha256) = 64),
    size          BIGINT      NOT NULL DEFAULT 0,
    content_type  TEXT        NOT NULL DEFAULT '',
    file_name     TEXT        NOT NULL DEFAULT '',
    actor         TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_material_attachments_item ON material_attachments (item_code, id);

CREATE FUNCTION material_attachments_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'material_attachments is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER material_attachments_no_update BEFORE UPDATE ON material_attachments
    FOR EACH ROW EXECUTE FUNCTION material_attachments_append_only();

CREATE TRIGGER material_attachments_no_delete BEFORE DELETE ON material_attachments
    FOR EACH ROW EXECUTE FUNCTION material_attachments_append_only();
