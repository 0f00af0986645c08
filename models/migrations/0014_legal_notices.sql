-- The legal clock's notices (issue 16): the bodies a refused applicant may
-- turn to, printed on every refusal (行政复议 and 行政诉讼); empty is not
-- set, and the notice then names no body rather than a wrong one.
ALTER TABLE site_settings ADD COLUMN review_body TEXT NOT NULL DEFAULT '';
ALTER TABLE site_settings ADD COLUMN court       TEXT NOT NULL DEFAULT '';
