-- Statistics (统计): counts per day, department, item and channel, kept by a
-- catch-up that reads the event chain and the evaluations in id order from
-- where it last stopped (stats_cursor), in the same transaction that moves
-- the cursor, so that every event is counted exactly once however many
-- instances run it. stats_monthly holds the same sums per month, which is
-- what the supervisor's page filters by; stats_daily keeps the days.
-- on_time / late count completions whose day handled and promised deadline
-- are both known; the rest are neither (unknown is not zero).
CREATE TABLE stats_daily (
    day             TEXT    NOT NULL, -- YYYY-MM-DD in the centre's time zone
    department_code TEXT    NOT NULL,
    item_code       TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    item_name       TEXT    NOT NULL DEFAULT '',
    received        INTEGER NOT NULL DEFAULT 0,
    accepted        INTEGER NOT NULL DEFAULT 0,
    refused         INTEGER NOT NULL DEFAULT 0,
    completed       INTEGER NOT NULL DEFAULT 0,
    on_time         INTEGER NOT NULL DEFAULT 0,
    late            INTEGER NOT NULL DEFAULT 0,
    days_used       INTEGER NOT NULL DEFAULT 0, -- working days used, summed over days_counted completions
    days_counted    INTEGER NOT NULL DEFAULT 0,
    rated           INTEGER NOT NULL DEFAULT 0, -- 好差评 given
    rated_good      INTEGER NOT NULL DEFAULT 0, -- levels 3-5 (非常满意, 满意, 基本满意)
    rated_sum       INTEGER NOT NULL DEFAULT 0, -- sum of the levels
    PRIMARY KEY (day, department_code, item_code, channel)
);

CREATE TABLE stats_monthly (
    month           TEXT    NOT NULL, -- YYYY-MM
    department_code TEXT    NOT NULL,
    item_code       TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    item_name       TEXT    NOT NULL DEFAULT '',
    received        INTEGER NOT NULL DEFAULT 0,
    accepted        INTEGER NOT NULL DEFAULT 0,
    refused         INTEGER NOT NULL DEFAULT 0,
    completed       INTEGER NOT NULL DEFAULT 0,
    on_time         INTEGER NOT NULL DEFAULT 0,
    late            INTEGER NOT NULL DEFAULT 0,
    days_used       INTEGER NOT NULL DEFAULT 0,
    days_counted    INTEGER NOT NULL DEFAULT 0,
    rated           INTEGER NOT NULL DEFAULT 0,
    rated_good      INTEGER NOT NULL DEFAULT 0,
    rated_sum       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, department_code, item_code, channel)
);
CREATE INDEX idx_stats_monthly_department ON stats_monthly (department_code, month);
CREATE INDEX idx_stats_monthly_item ON stats_monthly (item_code, month);

CREATE TABLE stats_cursor (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    last_event      INTEGER NOT NULL DEFAULT 0,
    last_evaluation INTEGER NOT NULL DEFAULT 0,
    last_at         DATETIME            -- when the newest counted event happened
);
INSERT INTO stats_cursor (id, last_event, last_evaluation) VALUES (1, 0, 0);

-- The years the working-day calendar covers. official: the State Council's
-- schedule is loaded; provisional: weekends only until it is. A deadline in
-- a year not listed here is refused. Years that already have entries were
-- loaded from an official schedule.
CREATE TABLE calendar_years (
    year        INTEGER  PRIMARY KEY,
    status      TEXT     NOT NULL CHECK (status IN ('official', 'provisional')),
    source      TEXT     NOT NULL DEFAULT '',
    updated_at  DATETIME NOT NULL
);
INSERT INTO calendar_years (year, status, source, updated_at)
    SELECT DISTINCT CAST(substr(date, 1, 4) AS INTEGER), 'official', 'seed', CURRENT_TIMESTAMP FROM calendar_days;
