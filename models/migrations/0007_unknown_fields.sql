-- migrate: foreign_keys off
-- Unknown is not zero: a published list often leaves a limit, a fee, the number of visits,
-- the online depth or a material's copies blank. These become NULL (unknown) instead of 0.
-- Items also carry their main item's name (主项名称), and real implementation codes of any
-- published length. SQLite cannot drop NOT NULL in place, so the two tables are rebuilt
-- (the documented procedure: new table, copy, drop, rename, with foreign keys off for this
-- migration and checked before it commits).

CREATE TABLE items_new (
    id                 INTEGER PRIMARY KEY,
    code               TEXT    NOT NULL UNIQUE,
    catalog_code       TEXT    NOT NULL DEFAULT '',
    main_name          TEXT    NOT NULL DEFAULT '',
    name               TEXT    NOT NULL,
    type_code          TEXT    NOT NULL REFERENCES item_types (code),
    department_code    TEXT    NOT NULL REFERENCES departments (code),
    disposition        TEXT    NOT NULL CHECK (disposition IN ('retained', 'cancelled', 'merged', 'delegated')),
    disposition_reason TEXT    NOT NULL DEFAULT '',
    disposition_basis  TEXT    NOT NULL DEFAULT '',
    merged_into        TEXT    NOT NULL DEFAULT '',
    on_application     INTEGER NOT NULL,
    power_source       TEXT    NOT NULL DEFAULT '',
    use_level          TEXT    NOT NULL DEFAULT '',
    legal_basis        TEXT    NOT NULL DEFAULT '',
    service_objects    TEXT    NOT NULL DEFAULT '[]',
    handling_kind      TEXT    NOT NULL DEFAULT '',
    statutory_days     INTEGER,
    promised_days      INTEGER,
    accept_conditions  TEXT    NOT NULL DEFAULT '',
    handle_forms       TEXT    NOT NULL DEFAULT '[]',
    visits             INTEGER,
    location           TEXT    NOT NULL DEFAULT '',
    hours              TEXT    NOT NULL DEFAULT '',
    phone              TEXT    NOT NULL DEFAULT '',
    complaint_phone    TEXT    NOT NULL DEFAULT '',
    is_fee             INTEGER,
    fee_basis          TEXT    NOT NULL DEFAULT '',
    special_procedure  TEXT    NOT NULL DEFAULT '',
    result_type        TEXT    NOT NULL DEFAULT '',
    result_name        TEXT    NOT NULL DEFAULT '',
    online_depth       INTEGER,
    area               TEXT    NOT NULL DEFAULT '',
    status             TEXT    NOT NULL DEFAULT 'published',
    version            INTEGER NOT NULL DEFAULT 1,
    effective_on       TEXT    NOT NULL DEFAULT '',
    cancel_on          TEXT    NOT NULL DEFAULT '',
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    CHECK (promised_days <= statutory_days)
);

CREATE TABLE materials_new (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    key        TEXT    NOT NULL,
    sort       INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    necessity  TEXT    NOT NULL,
    form       TEXT    NOT NULL DEFAULT '',
    kind       TEXT    NOT NULL DEFAULT '',
    copies     INTEGER DEFAULT 1,
    source     TEXT    NOT NULL DEFAULT '',
    blank_form INTEGER NOT NULL DEFAULT 0,
    remark     TEXT    NOT NULL DEFAULT '',
    UNIQUE (item_id, key)
);
INSERT INTO items_new (id, code, catalog_code, main_name, name, type_code, department_code, disposition,
    disposition_reason, disposition_basis, merged_into, on_application, power_source, use_level,
    legal_basis, service_objects, handling_kind, statutory_days, promised_days, accept_conditions,
    handle_forms, visits, location, hours, phone, complaint_phone, is_fee, fee_basis,
    special_procedure, result_type, result_name, online_depth, area, status, version,
    effective_on, cancel_on, created_at, updated_at)
SELECT id, code, catalog_code, '', name, type_code, department_code, disposition,
    disposition_reason, disposition_basis, merged_into, on_application, power_source, use_level,
    legal_basis, service_objects, handling_kind, statutory_days, promised_days, accept_conditions,
    handle_forms, visits, location, hours, phone, complaint_phone, is_fee, fee_basis,
    special_procedure, result_type, result_name, online_depth, area, status, version,
    effective_on, cancel_on, created_at, updated_at
FROM items;

INSERT INTO materials_new (id, item_id, key, sort, name, necessity, form, kind, copies, source, blank_form, remark)
SELECT id, item_id, key, sort, name, necessity, form, kind, copies, source, blank_form, remark FROM materials;

DROP TABLE materials;
DROP TABLE items;
ALTER TABLE items_new RENAME TO items;
ALTER TABLE materials_new RENAME TO materials;

CREATE INDEX idx_items_catalog_code ON items (catalog_code);
CREATE INDEX idx_items_department ON items (department_code, type_code, disposition);
CREATE INDEX idx_items_type ON items (type_code, disposition);
CREATE INDEX idx_items_main_name ON items (department_code, main_name);
CREATE INDEX idx_materials_item_id ON materials (item_id);
