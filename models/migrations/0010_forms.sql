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
