-- Delivery of the result (issue 16 item 4) and fees (issue 17 item 6).

-- A fee item's exemption (减免) as the catalogue publishes it; empty is not
-- published, and then no exemption can be recorded against it.
ALTER TABLE fees ADD COLUMN exemption TEXT NOT NULL DEFAULT '';

-- One row per application once its delivery is known: the mode the window
-- changed it to (empty: as the applicant chose when filing), the due date
-- of art. 44 (10 working days from a positive decision), how it was sent
-- and the receipt (签收). The receiver's name is personal data, sealed.
CREATE TABLE application_deliveries (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER  NOT NULL UNIQUE REFERENCES applications (id),
    mode           TEXT     NOT NULL DEFAULT '',
    mode_by        TEXT     NOT NULL DEFAULT '',
    decided_on     TEXT     NOT NULL DEFAULT '',
    due_on         TEXT     NOT NULL DEFAULT '',
    carrier        TEXT     NOT NULL DEFAULT '',
    issued_on      TEXT     NOT NULL DEFAULT '',
    received_on    TEXT     NOT NULL DEFAULT '',
    receiver       TEXT     NOT NULL DEFAULT '',
    recorded_by    TEXT     NOT NULL DEFAULT '',
    updated_at     DATETIME NOT NULL
);
CREATE INDEX idx_application_deliveries_due ON application_deliveries (due_on);

-- 缴款通知书: one per application at a time; the number is printed and is
-- what a payment callback names. Amounts are in fen. A paid notice keeps the
-- receipt number (window) or the payment platform's transaction id
-- (callback), unique so a replayed callback cannot pay twice.
CREATE TABLE payment_notices (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER  NOT NULL REFERENCES applications (id),
    number         TEXT     NOT NULL UNIQUE,
    fee_names      TEXT     NOT NULL DEFAULT '',
    amount_fen     INTEGER  NOT NULL,
    exemption      TEXT     NOT NULL DEFAULT '',
    state          TEXT     NOT NULL,
    issued_by      TEXT     NOT NULL,
    issued_at      DATETIME NOT NULL,
    paid_via       TEXT     NOT NULL DEFAULT '',
    paid_by        TEXT     NOT NULL DEFAULT '',
    paid_at        DATETIME,
    receipt_number TEXT     NOT NULL DEFAULT '',
    transaction_id TEXT,
    UNIQUE (transaction_id)
);
CREATE INDEX idx_payment_notices_application ON payment_notices (application_id);
