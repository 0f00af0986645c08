-- The legal clock's notices (issue 16): the bodies a refused applicant may
-- turn to (PostgreSQL version of migrations/0014_legal_notices.sql).
ALTER TABLE site_settings ADD COLUMN review_body TEXT NOT NULL DEFAULT '';
ALTER TABLE site_settings ADD COLUMN court       TEXT NOT NULL DEFAULT '';
