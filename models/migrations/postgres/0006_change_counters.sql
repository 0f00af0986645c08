-- The change signal (DESIGN §8): one counter per area of cached data, bumped
-- in the same transaction as the change (PostgreSQL version of
-- migrations/0006_change_counters.sql).
CREATE TABLE change_counters (
    area    TEXT    PRIMARY KEY,
    counter BIGINT  NOT NULL DEFAULT 0
);

INSERT INTO change_counters (area, counter) VALUES
    ('catalogue', 0), ('calendar', 0), ('access', 0), ('sessions', 0), ('work', 0), ('site', 0);

-- Every instance LISTENs on onewindow_changes (models/changes_listen.go): a
-- moved counter, or appended application events, is announced by name
-- (keys only, never data) when its transaction commits.
CREATE FUNCTION change_counters_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('onewindow_changes', NEW.area);
    RETURN NULL;
END $$;
CREATE TRIGGER change_counters_notify AFTER INSERT OR UPDATE ON change_counters
    FOR EACH ROW EXECUTE FUNCTION change_counters_notify();

CREATE FUNCTION application_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('onewindow_changes', 'events');
    RETURN NULL;
END $$;
CREATE TRIGGER application_events_notify AFTER INSERT ON application_events
    FOR EACH STATEMENT EXECUTE FUNCTION application_events_notify();
