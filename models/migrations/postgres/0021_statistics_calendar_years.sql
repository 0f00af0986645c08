-- Statistics (统计) per day and per month, the catch-up cursor, and the years
-- the working-day calendar covers (PostgreSQL version of
-- migrations/0021_statistics_calendar_years.sql).
CREATE TABLE stats_daily (
    day             TEXT    NOT NULL, -- YYYY-MM-DD in the centre's time zone
    department_code TEXT    NOT NULL,
    item_code       TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    item_name       TEXT    NOT NULL DEFAULT '',
    received        BIGINT  NOT NULL DEFAULT 0,
    accepted        BIGINT  NOT NULL DEFAULT 0,
    refused         BIGINT  NOT NULL DEFAULT 0,
    completed       BIGINT  NOT NULL DEFAULT 0,
    on_time         BIGINT  NOT NULL DEFAULT 0,
    late            BIGINT  NOT NULL DEFAULT 0,
    days_used       BIGINT  NOT NULL DEFAULT 0,
    days_counted    BIGINT  NOT NULL DEFAULT 0,
    rated           BIGINT  NOT NULL DEFAULT 0,
    rated_good      BIGINT  NOT NULL DEFAULT 0,
    rated_sum       BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (day, department_code, item_code, channel)
);

CREATE TABLE stats_monthly (
    month           TEXT    NOT NULL, -- YYYY-MM
    department_code TEXT    NOT NULL,
    item_code       TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    item_name       TEXT    NOT NULL DEFAULT '',
    received        BIGINT  NOT NULL DEFAULT 0,
    accepted        BIGINT  NOT NULL DEFAULT 0,
    refused         BIGINT  NOT NULL DEFAULT 0,
    completed       BIGINT  NOT NULL DEFAULT 0,
    on_time         BIGINT  NOT NULL DEFAULT 0,
    late            BIGINT  NOT NULL DEFAULT 0,
    days_used       BIGINT  NOT NULL DEFAULT 0,
    days_counted    BIGINT  NOT NULL DEFAULT 0,
    rated           BIGINT  NOT NULL DEFAULT 0,
    rated_good      BIGINT  NOT NULL DEFAULT 0,
    rated_sum       BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (month, department_code, item_code, channel)
);
CREATE INDEX idx_stats_monthly_department ON stats_monthly (department_code, month);
CREATE INDEX idx_stats_monthly_item ON stats_monthly (item_code, month);

CREATE TABLE stats_cursor (
    id              BIGINT  PRIMARY KEY CHECK (id = 1),
    last_event      BIGINT  NOT NULL DEFAULT 0,
    last_evaluation BIGINT  NOT NULL DEFAULT 0,
    last_at         TIMESTAMPTZ          -- when the newest counted event happened
);
INSERT INTO stats_cursor (id, last_event, last_evaluation) VALUES (1, 0, 0);

CREATE TABLE calendar_years (
    year        BIGINT   PRIMARY KEY,
    status      TEXT     NOT NULL CHECK (status IN ('official', 'provisional')),
    source      TEXT     NOT NULL DEFAULT '',
    updated_at  TIMESTAMPTZ NOT NULL
);
INSERT INTO calendar_years (year, status, source, updated_at)
    SELECT DISTINCT CAST(substr(date, 1, 4) AS BIGINT), 'official', 'seed', CURRENT_TIMESTAMP FROM calendar_days;
