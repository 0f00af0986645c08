-- 双随机一公开 (random inspections, 一单两库一细则): per department a list of
-- what may be inspected and its rules; entities and inspectors shared by every
-- department; plans whose draw is committed before and verifiable after.

-- 随机抽查事项清单: one row per inspection item of a department, linked to the
-- catalogue's 行政检查 item where there is one.
CREATE TABLE inspection_list_items (
    id              INTEGER  PRIMARY KEY,
    department_code TEXT     NOT NULL,
    item_code       TEXT     NOT NULL DEFAULT '', -- the catalogue's 行政检查 item; '' when none
    name            TEXT     NOT NULL,            -- 事项名称
    sub_item        TEXT     NOT NULL DEFAULT '', -- 子项
    basis           TEXT     NOT NULL DEFAULT '', -- 抽查依据
    subject         TEXT     NOT NULL DEFAULT '', -- 抽查主体
    object          TEXT     NOT NULL DEFAULT '', -- 抽查对象
    content         TEXT     NOT NULL DEFAULT '', -- 抽查内容
    method          TEXT     NOT NULL CHECK (method IN ('onsite', 'written', 'online')),
    ratio           TEXT     NOT NULL DEFAULT '', -- 抽查比例 as published; '' unknown
    frequency       TEXT     NOT NULL DEFAULT '', -- 频次; '' unknown
    requirement     TEXT     NOT NULL DEFAULT '', -- 检查人员要求
    created_at      DATETIME NOT NULL,
    UNIQUE (department_code, name, sub_item)
);

-- 检查对象名录库, shared across departments.
CREATE TABLE inspection_entities (
    id                INTEGER  PRIMARY KEY,
    credit_code       TEXT     NOT NULL UNIQUE, -- GB 32100, checked before insert
    name              TEXT     NOT NULL,
    kind              TEXT     NOT NULL DEFAULT '', -- 企业 / 个体工商户 / 农民专业合作社 …
    industry          TEXT     NOT NULL DEFAULT '',
    address           TEXT     NOT NULL DEFAULT '',
    town              TEXT     NOT NULL DEFAULT '',
    registered_on     TEXT     NOT NULL DEFAULT '', -- YYYY-MM-DD; '' unknown
    risk_level        TEXT     NOT NULL CHECK (risk_level IN ('A', 'B', 'C', 'D')),
    special_pools     TEXT     NOT NULL DEFAULT '', -- comma-separated (重点监管, 食品 …)
    last_inspected_on TEXT     NOT NULL DEFAULT '', -- YYYY-MM-DD; '' never
    created_at        DATETIME NOT NULL
);
CREATE INDEX idx_inspection_entities_name ON inspection_entities (name);

-- 执法检查人员名录库.
CREATE TABLE inspection_inspectors (
    id              INTEGER  PRIMARY KEY,
    cert_no         TEXT     NOT NULL UNIQUE, -- 执法证号
    name            TEXT     NOT NULL,
    department_code TEXT     NOT NULL,
    specialties     TEXT     NOT NULL DEFAULT '',
    status          TEXT     NOT NULL CHECK (status IN ('active', 'inactive')),
    inspections     INTEGER  NOT NULL DEFAULT 0,
    created_at      DATETIME NOT NULL
);
CREATE INDEX idx_inspection_inspectors_department ON inspection_inspectors (department_code, status);

-- Conflicts of interest: the inspector may not inspect the entity.
CREATE TABLE inspection_conflicts (
    inspector_id INTEGER NOT NULL REFERENCES inspection_inspectors (id),
    entity_id    INTEGER NOT NULL REFERENCES inspection_entities (id),
    reason       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (inspector_id, entity_id)
);

-- 抽查细则 of a department.
CREATE TABLE inspection_rules (
    department_code TEXT     PRIMARY KEY,
    ratio_a         INTEGER  NOT NULL, -- per mille of the risk level's entities drawn
    ratio_b         INTEGER  NOT NULL,
    ratio_c         INTEGER  NOT NULL,
    ratio_d         INTEGER  NOT NULL,
    inspectors      INTEGER  NOT NULL CHECK (inspectors >= 2),
    exclude_months  INTEGER  NOT NULL DEFAULT 0, -- entities inspected within this many months are left out
    avoidance       TEXT     NOT NULL DEFAULT '', -- the avoidance rule as published
    updated_at      DATETIME NOT NULL
);

-- A plan: annual (one department) or joint (部门联合). draft → committed
-- (lists frozen, digests and commitment published) → drawn → published (the
-- seed revealed with the result).
CREATE TABLE inspection_plans (
    id                INTEGER  PRIMARY KEY,
    department_code   TEXT     NOT NULL, -- the leading department
    departments       TEXT     NOT NULL, -- JSON list: every taking part, the leading one first
    year              INTEGER  NOT NULL,
    title             TEXT     NOT NULL,
    list_item_id      INTEGER  REFERENCES inspection_list_items (id),
    industry          TEXT     NOT NULL DEFAULT '', -- '' every industry
    state             TEXT     NOT NULL CHECK (state IN ('draft', 'committed', 'drawn', 'published')),
    params            TEXT     NOT NULL DEFAULT '', -- the frozen draw parameters, JSON
    params_sha256     TEXT     NOT NULL DEFAULT '',
    entities_sha256   TEXT     NOT NULL DEFAULT '',
    inspectors_sha256 TEXT     NOT NULL DEFAULT '',
    inputs_sha256     TEXT     NOT NULL DEFAULT '',
    commitment        TEXT     NOT NULL DEFAULT '',
    seed              TEXT     NOT NULL DEFAULT '', -- hex; secret until the plan is published
    committed_at      DATETIME,
    drawn_at          DATETIME,
    published_at      DATETIME,
    results_due_on    TEXT     NOT NULL DEFAULT '', -- 20 working days after the draw
    version           INTEGER  NOT NULL,
    created_by        TEXT     NOT NULL,
    created_at        DATETIME NOT NULL
);
CREATE INDEX idx_inspection_plans_department ON inspection_plans (department_code, year);

-- The frozen candidate lists of a committed plan, in their canonical order.
CREATE TABLE inspection_candidates (
    plan_id    INTEGER NOT NULL REFERENCES inspection_plans (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('entity', 'inspector')),
    seq        INTEGER NOT NULL,
    ref        TEXT    NOT NULL, -- credit code or 执法证号
    stratum    TEXT    NOT NULL DEFAULT '', -- entities: risk level
    department TEXT    NOT NULL DEFAULT '', -- inspectors
    avoid      TEXT    NOT NULL DEFAULT '', -- inspectors: comma-separated credit codes
    PRIMARY KEY (plan_id, kind, seq)
);
CREATE TRIGGER inspection_candidates_no_update BEFORE UPDATE ON inspection_candidates
BEGIN
    SELECT RAISE(ABORT, 'frozen candidate lists are never changed');
END;
CREATE TRIGGER inspection_candidates_no_delete BEFORE DELETE ON inspection_candidates
BEGIN
    SELECT RAISE(ABORT, 'frozen candidate lists are never deleted');
END;

-- The drawn tasks and their results.
CREATE TABLE inspection_tasks (
    id          INTEGER  PRIMARY KEY,
    plan_id     INTEGER  NOT NULL REFERENCES inspection_plans (id),
    seq         INTEGER  NOT NULL,
    credit_code TEXT     NOT NULL,
    stratum     TEXT     NOT NULL,
    inspectors  TEXT     NOT NULL, -- comma-separated 执法证号, in drawn order
    result      TEXT     NOT NULL DEFAULT '' CHECK (result IN ('', 'no_problem', 'rectify', 'case', 'not_operating', 'not_found')),
    result_note TEXT     NOT NULL DEFAULT '',
    result_on   TEXT     NOT NULL DEFAULT '', -- YYYY-MM-DD
    recorded_by TEXT     NOT NULL DEFAULT '',
    version     INTEGER  NOT NULL,
    UNIQUE (plan_id, seq)
);
CREATE INDEX idx_inspection_tasks_entity ON inspection_tasks (credit_code);
