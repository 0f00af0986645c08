-- Staff and citizen accounts, role assignments per department, server-side
-- sessions and bearer tokens, and the login log.

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL,
    department_code     TEXT    NOT NULL DEFAULT '',
    active              INTEGER NOT NULL DEFAULT 1,
    citizen_id          TEXT    NOT NULL DEFAULT '',
    password_hash       TEXT    NOT NULL,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        DATETIME,
    password_changed_at DATETIME NOT NULL,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE INDEX idx_users_citizen_id ON users (citizen_id) WHERE citizen_id <> '';

CREATE TABLE role_assignments (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT    NOT NULL,
    domain  TEXT    NOT NULL,
    UNIQUE (user_id, role, domain)
);

CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY,            -- SHA-256 of the secret; the secret itself is never stored
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('cookie', 'bearer')),
    csrf_token   TEXT    NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    ip           TEXT    NOT NULL DEFAULT '',
    user_agent   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX idx_sessions_user_id ON sessions (user_id);
CREATE INDEX idx_sessions_expires_at ON sessions (expires_at);

CREATE TABLE login_events (
    id         INTEGER PRIMARY KEY,
    username   TEXT    NOT NULL,
    user_id    INTEGER,
    at         DATETIME NOT NULL,
    ip         TEXT    NOT NULL DEFAULT '',
    user_agent TEXT    NOT NULL DEFAULT '',
    result     TEXT    NOT NULL
);
CREATE INDEX idx_login_events_at ON login_events (at);
CREATE INDEX idx_login_events_username ON login_events (username, at);
