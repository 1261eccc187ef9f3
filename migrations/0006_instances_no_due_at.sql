-- zapgate instances never expire: Z-API's `due` is answered as the end of the current 30-day period
-- since creation (renewed automatically), derived from created_at. The stored 100-year date goes.
ALTER TABLE instances DROP COLUMN IF EXISTS due_at;
