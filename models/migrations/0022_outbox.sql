-- Notifications through an outbox (DESIGN §8). The applicant chooses SMS
-- and/or e-mail when filing; the e-mail address is personal data, sealed at
-- rest like the phone. A message row is written in the same transaction as
-- the event that causes it, so a committed event always has its messages and
-- a rolled-back one never does. The recipient is not copied: the dispatcher
-- reads the application's sealed phone or e-mail when it sends.
ALTER TABLE applications ADD COLUMN notify_channels TEXT NOT NULL DEFAULT ''; -- "sms", "email", "sms,email" or ''
ALTER TABLE applications ADD COLUMN notify_lang     TEXT NOT NULL DEFAULT ''; -- the filing's language; '' is zh-CN
ALTER TABLE applications ADD COLUMN applicant_email TEXT NOT NULL DEFAULT ''; -- sealed

-- dedupe_key travels with the message (the e-mail's Message-ID, the SMS
-- gateway's request id): a message sent again after a crash between sending
-- and recording carries the same key, and the receiver treats it as the same
-- message. state: queued → sending (leased until lease_until by
-- lease_owner) → sent, or back to queued with a later next_at after a
-- failure, or failed after the last attempt. Times are Unix milliseconds so
-- that the dispatcher's comparisons are numeric.
CREATE TABLE outbox_messages (
    id             INTEGER PRIMARY KEY,
    dedupe_key     TEXT    NOT NULL UNIQUE,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    number         TEXT    NOT NULL,
    event_seq      INTEGER NOT NULL, -- the event that caused it; 0 for a rectification reply
    kind           TEXT    NOT NULL,
    channel        TEXT    NOT NULL CHECK (channel IN ('sms', 'email')),
    lang           TEXT    NOT NULL DEFAULT '',
    params         TEXT    NOT NULL DEFAULT '{}',
    state          TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT    NOT NULL DEFAULT '',
    created_ms     INTEGER NOT NULL,
    next_ms        INTEGER NOT NULL,
    lease_owner    TEXT    NOT NULL DEFAULT '',
    lease_ms       INTEGER NOT NULL DEFAULT 0,
    sent_ms        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_outbox_due ON outbox_messages (state, next_ms);
CREATE INDEX idx_outbox_application ON outbox_messages (application_id, id);
