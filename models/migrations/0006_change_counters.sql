-- The change signal (DESIGN §8): one counter per area of cached data, bumped
-- in the same transaction as the change, so that every process serving the
-- database sees within a second that its caches of the area are stale.
-- Areas are a small fixed set of names; a counter only ever grows.
--   catalogue  items, drafts, dispositions, imports, departments, item types
--   calendar   holidays and adjusted working days
--   access     accounts, passwords, the active flag, role assignments
--   sessions   a session ended on its own (logout)
--   work       a work-list change that writes no application event (a release)
--   site       site settings (reserved)
-- New applications and their actions are not counted here: they append an
-- application event, and the highest event id is their signal.
CREATE TABLE change_counters (
    area    TEXT    PRIMARY KEY,
    counter INTEGER NOT NULL DEFAULT 0
);

INSERT INTO change_counters (area, counter) VALUES
    ('catalogue', 0), ('calendar', 0), ('access', 0), ('sessions', 0), ('work', 0), ('site', 0);
