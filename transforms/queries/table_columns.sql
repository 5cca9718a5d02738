-- Grain: one row per column of a table in the main schema of this warehouse, in order (name and
-- type); a database attached beside it (e.g. a county's warehouse read by a region) is not looked at.
SELECT column_name, data_type FROM information_schema.columns
WHERE table_name = $t AND table_schema = 'main' AND table_catalog = current_database()
ORDER BY ordinal_position
