-- Empty: stands in for the migration 0017 of another branch so that this branch migrates
-- gaplessly on its own. Remove this file when merging that branch.
SELECT 1;
