-- Unknown is not zero: a published limit, fee, number of visits, online depth
-- or material's copies may be blank, stored as NULL; items carry their main
-- item's name (主项名称). SQLite rebuilds the two tables; PostgreSQL alters
-- them in place to the same end schema (migrations/0007_unknown_fields.sql).

ALTER TABLE items ALTER COLUMN catalog_code SET DEFAULT '';
ALTER TABLE items ADD COLUMN main_name TEXT NOT NULL DEFAULT '';
ALTER TABLE items ALTER COLUMN statutory_days DROP NOT NULL, ALTER COLUMN statutory_days DROP DEFAULT;
ALTER TABLE items ALTER COLUMN promised_days DROP NOT NULL, ALTER COLUMN promised_days DROP DEFAULT;
ALTER TABLE items ALTER COLUMN visits DROP NOT NULL, ALTER COLUMN visits DROP DEFAULT;
ALTER TABLE items ALTER COLUMN is_fee DROP NOT NULL, ALTER COLUMN is_fee DROP DEFAULT;
ALTER TABLE items ALTER COLUMN online_depth DROP NOT NULL, ALTER COLUMN online_depth DROP DEFAULT;

ALTER TABLE materials ALTER COLUMN copies DROP NOT NULL;

CREATE INDEX idx_items_main_name ON items (department_code, main_name);
