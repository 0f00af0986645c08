-- Rate-limit counters in the database (issue 20), so that every instance on
-- one database counts the same failures: wrong query codes, login failures,
-- online filings per address. One row per key ("code:<address>",
-- "login:u:<name>", …); an upsert counts one event atomically and starts a
-- new window once the row has expired. Times are Unix milliseconds, as in the
-- SQLite schema, so that one statement serves both dialects. Expired rows are
-- swept.
CREATE TABLE rate_limits (
    key          TEXT   NOT NULL PRIMARY KEY,
    window_start BIGINT NOT NULL, -- the first event counted in this window
    n            BIGINT NOT NULL, -- events counted since window_start
    last_at      BIGINT NOT NULL, -- the latest event
    expires_at   BIGINT NOT NULL  -- from then on the row counts nothing and may be swept
);
CREATE INDEX rate_limits_expires ON rate_limits (expires_at);
