-- Personal data sealed at rest: identity numbers, phones, addresses and form answers are
-- written AES-GCM sealed by the store (the key lives outside the database), and look-ups by
-- identity number go through a blind index (a keyed HMAC) kept beside each sealed number.
-- Rows of an older database are sealed by the store right after this migration, when it has
-- its key; the indexes on plain numbers go.

ALTER TABLE applicants ADD COLUMN id_index TEXT NOT NULL DEFAULT '';
-- Whether the profile (name, phone, address) was given by someone who proved the number: a
-- citizen signed in with it, or the window with the applicant present. An anonymous online
-- filing creates an unproven profile, which nobody is shown as the applicant's. Profiles from
-- before are unproven until the next proven filing.
ALTER TABLE applicants ADD COLUMN proven INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX idx_applicants_id_index ON applicants (id_index) WHERE id_index <> '';

ALTER TABLE applications ADD COLUMN applicant_id_index TEXT NOT NULL DEFAULT '';
DROP INDEX idx_applications_applicant;
CREATE INDEX idx_applications_applicant ON applications (applicant_id_index, submitted_at);

ALTER TABLE bundle_filings ADD COLUMN applicant_id_index TEXT NOT NULL DEFAULT '';
DROP INDEX idx_bundle_filings_applicant;
CREATE INDEX idx_bundle_filings_applicant ON bundle_filings (applicant_id_index, submitted_at);

DROP INDEX idx_users_citizen_id;

-- Which keyring the database belongs to: a MAC under its index key, so a wrong key file is
-- refused at start rather than sealing new rows under a key nobody else holds.
CREATE TABLE keyring_check (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    index_mac TEXT     NOT NULL,
    sealed_at DATETIME NOT NULL
);

-- Every time a member of staff shows an applicant's full identity number or phone: who,
-- when, from where, which application, what was shown. Supervisors read it.
CREATE TABLE personal_data_views (
    id                 INTEGER  PRIMARY KEY,
    at                 DATETIME NOT NULL,
    username           TEXT     NOT NULL,
    role               TEXT     NOT NULL DEFAULT '',
    application_number TEXT     NOT NULL,
    fields             TEXT     NOT NULL,
    reason             TEXT     NOT NULL DEFAULT '',
    ip                 TEXT     NOT NULL DEFAULT ''
);
CREATE INDEX idx_personal_data_views_at ON personal_data_views (at);
CREATE INDEX idx_personal_data_views_app ON personal_data_views (application_number, at);
