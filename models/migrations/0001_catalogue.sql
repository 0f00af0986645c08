-- The district catalogue: departments, item types, items and their service guides,
-- and the working-day calendar.

CREATE TABLE departments (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    short_name TEXT    NOT NULL,
    sort       INTEGER NOT NULL,
    phone      TEXT    NOT NULL DEFAULT '',
    address    TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE item_types (
    code           TEXT    PRIMARY KEY,
    name           TEXT    NOT NULL,
    power_list     INTEGER NOT NULL,
    on_application INTEGER NOT NULL,
    sort           INTEGER NOT NULL
);

CREATE TABLE items (
    id                 INTEGER PRIMARY KEY,
    code               TEXT    NOT NULL UNIQUE,
    catalog_code       TEXT    NOT NULL,
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
    statutory_days     INTEGER NOT NULL DEFAULT 0,
    promised_days      INTEGER NOT NULL DEFAULT 0,
    accept_conditions  TEXT    NOT NULL DEFAULT '',
    handle_forms       TEXT    NOT NULL DEFAULT '[]',
    visits             INTEGER NOT NULL DEFAULT 0,
    location           TEXT    NOT NULL DEFAULT '',
    hours              TEXT    NOT NULL DEFAULT '',
    phone              TEXT    NOT NULL DEFAULT '',
    complaint_phone    TEXT    NOT NULL DEFAULT '',
    is_fee             INTEGER NOT NULL DEFAULT 0,
    fee_basis          TEXT    NOT NULL DEFAULT '',
    special_procedure  TEXT    NOT NULL DEFAULT '',
    result_type        TEXT    NOT NULL DEFAULT '',
    result_name        TEXT    NOT NULL DEFAULT '',
    online_depth       INTEGER NOT NULL DEFAULT 0,
    area               TEXT    NOT NULL DEFAULT '',
    status             TEXT    NOT NULL DEFAULT 'published',
    version            INTEGER NOT NULL DEFAULT 1,
    effective_on       TEXT    NOT NULL DEFAULT '',
    cancel_on          TEXT    NOT NULL DEFAULT '',
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    CHECK (promised_days <= statutory_days)
);
CREATE INDEX idx_items_catalog_code ON items (catalog_code);
CREATE INDEX idx_items_department ON items (department_code, type_code, disposition);
CREATE INDEX idx_items_type ON items (type_code, disposition);

CREATE TABLE materials (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    key        TEXT    NOT NULL,
    sort       INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    necessity  TEXT    NOT NULL,
    form       TEXT    NOT NULL DEFAULT '',
    kind       TEXT    NOT NULL DEFAULT '',
    copies     INTEGER NOT NULL DEFAULT 1,
    source     TEXT    NOT NULL DEFAULT '',
    blank_form INTEGER NOT NULL DEFAULT 0,
    remark     TEXT    NOT NULL DEFAULT '',
    UNIQUE (item_id, key)
);
CREATE INDEX idx_materials_item_id ON materials (item_id);

CREATE TABLE fees (
    id       INTEGER PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    sort     INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    standard TEXT    NOT NULL DEFAULT '',
    basis    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX idx_fees_item_id ON fees (item_id);

CREATE TABLE steps (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    sort        INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    actor       TEXT    NOT NULL DEFAULT '',
    days        INTEGER NOT NULL DEFAULT 0,
    counts_time INTEGER NOT NULL DEFAULT 1,
    note        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX idx_steps_item_id ON steps (item_id);

CREATE TABLE item_departments (
    id              INTEGER PRIMARY KEY,
    item_id         INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    sort            INTEGER NOT NULL,
    department_code TEXT    NOT NULL REFERENCES departments (code),
    stages          TEXT    NOT NULL DEFAULT '[]',
    UNIQUE (item_id, department_code)
);
CREATE INDEX idx_item_departments_item_id ON item_departments (item_id);
CREATE INDEX idx_item_departments_department ON item_departments (department_code);

CREATE TABLE calendar_days (
    date TEXT PRIMARY KEY CHECK (length(date) = 10),
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL DEFAULT ''
);
