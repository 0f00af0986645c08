-- The change signal (DESIGN §8): one counter per area of cached data, bumped
-- in the same transaction as the change (PostgreSQL version of
-- migrations/0006_change_counters.sql).
CREATE TABLE change_counters (
    area    TEXT    PRIMARY KEY,
    counter BIGINT  NOT NULL DEFAULT 0
);

INSERT INTO change_counters (area, counter) VALUES
    ('catalogue', 0), ('calendar', 0), ('access', 0), ('sessions', 0), ('work', 0), ('site', 0);
