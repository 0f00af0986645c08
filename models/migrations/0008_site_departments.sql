-- Site settings (DESIGN §8): the district, the service centre's name, its
-- address, hotline, opening hours and the footer line are data a system
-- administrator edits; every page and printed notice reads them. One row,
-- id 1, created here empty: an empty value is not set yet, and pages show a
-- placeholder asking the administrator to set it, never a district name.
CREATE TABLE site_settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    district   TEXT     NOT NULL DEFAULT '',
    centre     TEXT     NOT NULL DEFAULT '',
    address    TEXT     NOT NULL DEFAULT '',
    hotline    TEXT     NOT NULL DEFAULT '',
    hours      TEXT     NOT NULL DEFAULT '',
    footer     TEXT     NOT NULL DEFAULT '',
    updated_at DATETIME,
    updated_by TEXT     NOT NULL DEFAULT ''
);

INSERT INTO site_settings (id) VALUES (1);

-- Departments as real offices: beside the phone and address they had, their
-- opening hours, website and a short description. Empty is unknown (未公布).
ALTER TABLE departments ADD COLUMN hours       TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN website     TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN description TEXT NOT NULL DEFAULT '';
