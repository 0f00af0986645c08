-- Password history (等保 level 3): a new password may not repeat any of an
-- account's last five. Each change keeps the hash it replaced.
CREATE TABLE password_history (
    id            INTEGER  PRIMARY KEY,
    user_id       INTEGER  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    password_hash TEXT     NOT NULL,
    replaced_at   DATETIME NOT NULL
);
CREATE INDEX idx_password_history_user ON password_history (user_id, id);
