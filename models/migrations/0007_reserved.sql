-- Version 7 is another change of the same release; this placeholder keeps the
-- numbering whole until it lands and is replaced by it.
SELECT 1;
