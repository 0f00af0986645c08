-- Site settings (DESIGN §8): one row, id 1, created here empty; departments
-- as real offices (PostgreSQL version of migrations/0008_site_departments.sql).
CREATE TABLE site_settings (
    id         BIGINT   PRIMARY KEY CHECK (id = 1),
    district   TEXT     NOT NULL DEFAULT '',
    centre     TEXT     NOT NULL DEFAULT '',
    address    TEXT     NOT NULL DEFAULT '',
    hotline    TEXT     NOT NULL DEFAULT '',
    hours      TEXT     NOT NULL DEFAULT '',
    footer     TEXT     NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ,
    updated_by TEXT     NOT NULL DEFAULT ''
);

INSERT INTO site_settings (id) VALUES (1);

ALTER TABLE departments ADD COLUMN hours       TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN website     TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN description TEXT NOT NULL DEFAULT '';
