-- Reserved: migration 0013 is written on another branch of the same change.
-- This placeholder keeps the numbering whole until it is merged; drop it then.
SELECT 1;
