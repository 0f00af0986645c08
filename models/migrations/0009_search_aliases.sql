-- The search alias dictionary (DESIGN §8 "Search"): everyday words people
-- type, each mapped to the official terms that appear in item names
-- (低保 → 最低生活保障). Catalogue administrators edit it; the search index is
-- rebuilt from it through the catalogue change counter.

-- One row per everyday word. targets is a JSON array of official terms,
-- never empty.
CREATE TABLE search_aliases (
    id         INTEGER  PRIMARY KEY,
    term       TEXT     NOT NULL UNIQUE CHECK (length(trim(term)) > 0),
    targets    TEXT     NOT NULL CHECK (targets <> '[]' AND targets <> ''),
    note       TEXT     NOT NULL DEFAULT '',
    updated_by TEXT     NOT NULL,
    updated_at DATETIME NOT NULL
);

-- Every change of the dictionary, append-only, written in the same
-- transaction as the change. before_value and after_value hold the entry
-- as JSON {"targets":[...],"note":"..."}; '' where there was none (a new
-- term has no before, a deleted one no after).
CREATE TABLE search_alias_changes (
    id           INTEGER  PRIMARY KEY,
    term         TEXT     NOT NULL,
    action       TEXT     NOT NULL CHECK (action IN ('create', 'edit', 'delete')),
    before_value TEXT     NOT NULL DEFAULT '',
    after_value  TEXT     NOT NULL DEFAULT '',
    actor        TEXT     NOT NULL,
    reason       TEXT     NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL
);
CREATE INDEX idx_search_alias_changes_term ON search_alias_changes (term);

CREATE TRIGGER search_alias_changes_no_update BEFORE UPDATE ON search_alias_changes
BEGIN
    SELECT RAISE(ABORT, 'search_alias_changes is append-only');
END;

CREATE TRIGGER search_alias_changes_no_delete BEFORE DELETE ON search_alias_changes
BEGIN
    SELECT RAISE(ABORT, 'search_alias_changes is append-only');
END;
