-- 黄牌 / 红牌 (DESIGN §8): a card is recorded once per open task and colour
-- when the promised limit has at most two working days left (yellow) or has
-- passed (red). UNIQUE (task_id, colour) is what makes two sweepers running
-- at once record each card exactly once: the loser's insert does nothing.
-- Cards are history, never changed or deleted; escalation (a red card older
-- than a number of working days on a task still open) is computed on reading.
CREATE TABLE task_cards (
    id              INTEGER  PRIMARY KEY,
    task_id         INTEGER  NOT NULL REFERENCES application_tasks (id),
    application_id  INTEGER  NOT NULL REFERENCES applications (id),
    number          TEXT     NOT NULL,
    item_name       TEXT     NOT NULL,
    colour          TEXT     NOT NULL CHECK (colour IN ('yellow', 'red')),
    department_code TEXT     NOT NULL,
    assignee        TEXT     NOT NULL DEFAULT '', -- who had claimed the task; '' when unclaimed
    deadline        TEXT     NOT NULL,            -- YYYY-MM-DD, the promised deadline when carded
    at              DATETIME NOT NULL,
    UNIQUE (task_id, colour)
);
CREATE INDEX idx_task_cards_at ON task_cards (at, id);
CREATE INDEX idx_task_cards_department ON task_cards (department_code, at);

CREATE TRIGGER task_cards_no_update BEFORE UPDATE ON task_cards
BEGIN
    SELECT RAISE(ABORT, 'task cards are never changed');
END;
CREATE TRIGGER task_cards_no_delete BEFORE DELETE ON task_cards
BEGIN
    SELECT RAISE(ABORT, 'task cards are never deleted');
END;
